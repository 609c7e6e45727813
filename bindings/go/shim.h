/* C side of the Go binding: trampolines from the library's callbacks to the
 * exported Go functions, and starters that pass a runtime/cgo.Handle as
 * user_data. The handle travels as an integer, so C never stores a Go
 * pointer. */
#ifndef GIOEXPORT_GO_SHIM_H
#define GIOEXPORT_GO_SHIM_H

#include <gioexport.h>
#include <stdint.h>

gioexport_operation* gioexport_go_fetch_token(gioexport_client* client, uintptr_t handle,
                                              gioexport_error** out_error);

gioexport_operation* gioexport_go_fetch_links(gioexport_client* client, const char* export_type,
                                              const char* export_date, int expiry_minutes,
                                              uintptr_t handle, gioexport_error** out_error);

gioexport_operation* gioexport_go_fetch_type_links(gioexport_client* client,
                                                   const char* export_type, const char* data_type,
                                                   const char* export_date, int expiry_minutes,
                                                   uintptr_t handle, gioexport_error** out_error);

/* with_progress 0 passes no progress callback, so the library makes no
 * progress calls into Go. */
gioexport_operation* gioexport_go_download_link(gioexport_client* client, const char* url,
                                                const char* path,
                                                const gioexport_download_options* options,
                                                int with_progress, uintptr_t handle,
                                                gioexport_error** out_error);

gioexport_operation* gioexport_go_download_export(gioexport_client* client,
                                                  const gioexport_export_request* request,
                                                  int with_progress, uintptr_t handle,
                                                  gioexport_error** out_error);

#endif
