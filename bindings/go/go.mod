module gioexport.invalid/bindings/go

go 1.24
