#include "shim.h"

#include "_cgo_export.h"

/* The exported Go functions take non-const pointers, because cgo writes
 * their prototypes without const. They only read through them. */

static int progress_trampoline(void* user_data, const gioexport_progress* progress)
{
    return gioexportGoProgress((uintptr_t)user_data, (gioexport_progress*)progress);
}

static void release_trampoline(void* user_data)
{
    gioexportGoRelease((uintptr_t)user_data);
}

static void token_trampoline(void* user_data, gioexport_status status, char* token,
                             const gioexport_error* error)
{
    gioexportGoTokenComplete((uintptr_t)user_data, (int)status, token, (gioexport_error*)error);
}

static void links_trampoline(void* user_data, gioexport_status status, gioexport_links* links,
                             const gioexport_error* error)
{
    gioexportGoLinksComplete((uintptr_t)user_data, (int)status, links, (gioexport_error*)error);
}

static void download_trampoline(void* user_data, gioexport_status status,
                                gioexport_download_result* result, const gioexport_error* error)
{
    gioexportGoDownloadComplete((uintptr_t)user_data, (int)status, result,
                                (gioexport_error*)error);
}

static void export_trampoline(void* user_data, gioexport_status status,
                              gioexport_export_result* result, const gioexport_error* error)
{
    gioexportGoExportComplete((uintptr_t)user_data, (int)status, result, (gioexport_error*)error);
}

gioexport_operation* gioexport_go_fetch_token(gioexport_client* client, uintptr_t handle,
                                              gioexport_error** out_error)
{
    return gioexport_client_fetch_token_async(client, token_trampoline, release_trampoline,
                                              (void*)handle, out_error);
}

gioexport_operation* gioexport_go_fetch_links(gioexport_client* client, const char* export_type,
                                              const char* export_date, int expiry_minutes,
                                              uintptr_t handle, gioexport_error** out_error)
{
    return gioexport_client_fetch_links_async(client, export_type, export_date, expiry_minutes,
                                              links_trampoline, release_trampoline,
                                              (void*)handle, out_error);
}

gioexport_operation* gioexport_go_fetch_type_links(gioexport_client* client,
                                                   const char* export_type, const char* data_type,
                                                   const char* export_date, int expiry_minutes,
                                                   uintptr_t handle, gioexport_error** out_error)
{
    return gioexport_client_fetch_type_links_async(client, export_type, data_type, export_date,
                                                   expiry_minutes, links_trampoline,
                                                   release_trampoline, (void*)handle, out_error);
}

gioexport_operation* gioexport_go_download_link(gioexport_client* client, const char* url,
                                                const char* path,
                                                const gioexport_download_options* options,
                                                int with_progress, uintptr_t handle,
                                                gioexport_error** out_error)
{
    return gioexport_client_download_link_async(
        client, url, path, options, with_progress ? progress_trampoline : NULL,
        download_trampoline, release_trampoline, (void*)handle, out_error);
}

gioexport_operation* gioexport_go_download_export(gioexport_client* client,
                                                  const gioexport_export_request* request,
                                                  int with_progress, uintptr_t handle,
                                                  gioexport_error** out_error)
{
    return gioexport_client_download_export_async(
        client, request, with_progress ? progress_trampoline : NULL, export_trampoline,
        release_trampoline, (void*)handle, out_error);
}
