package gioexport_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"time"

	gioexport "gioexport.invalid/bindings/go"
)

// Downloads one hour's export of two data types. The tests point
// GIOEXPORT_BASE_URL at a local emulator. Without it the client talks to
// https://www.growingio.com.
func Example() {
	client, err := gioexport.NewClient(gioexport.Config{
		BaseURL:  os.Getenv("GIOEXPORT_BASE_URL"),
		ClientID: "demo-client-id",
		Secret:   "demo-secret",
		Project:  "demoPrj1",
		AI:       "a1b2c3d4e5f60718",
	})
	if err != nil {
		log.Fatal(err)
	}
	defer client.Close()

	outDir, err := os.MkdirTemp("", "gioexport-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(outDir)

	// The Beijing hour that began three hours ago, as yyyyMMddHH.
	hour := time.Now().In(time.FixedZone("UTC+8", 8*3600)).Add(-3 * time.Hour).Format("2006010215")

	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Hour)
	defer cancel()
	result, err := client.DownloadExport(ctx, gioexport.ExportRequest{
		Type:      "hour",
		Date:      hour,
		DataTypes: []string{"visit", "page"},
		OutDir:    outDir,
		Wait:      time.Hour, // keep polling while the export is RUNNING
	})
	if err != nil {
		log.Fatal(err)
	}
	for _, file := range result.Files {
		if file.Err != nil {
			fmt.Println(file.Path, "failed:", file.Err)
		} else {
			fmt.Println(file.Path, "verified:", file.Verified)
		}
	}
	// Output:
	// visit/part-00000.csv.gz verified: true
	// page/part-00000.csv.gz verified: true
}
