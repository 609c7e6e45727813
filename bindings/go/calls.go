package gioexport

/*
#include <stdlib.h>
#include "shim.h"
*/
import "C"

import (
	"context"
	"fmt"
	"math"
	"time"
	"unsafe"
)

// DefaultExpiry is the lifetime of download links when the caller passes 0.
const DefaultExpiry = C.GIOEXPORT_DEFAULT_EXPIRY_MINUTES * time.Minute

// FetchToken requests a token with the signed token call, stores it in the
// client for later calls and returns a copy. With Config.Token set it
// returns that token without a request.
func (c *Client) FetchToken(ctx context.Context) (string, error) {
	result, err := c.run(ctx, nil, func(client *C.gioexport_client, handle C.uintptr_t, outError **C.gioexport_error) *C.gioexport_operation {
		return C.gioexport_go_fetch_token(client, handle, outError)
	})
	if err != nil {
		return "", err
	}
	return result.(string), nil
}

// FetchLinks fetches the links of every data type of one export.
//
// exportType is "hour" or "day". exportDate is Beijing time (UTC+8) as
// yyyyMMdd, yyyyMMddHH or yyyyMMddHHmm, and is truncated to the hour or day
// that the type names. expiry is the lifetime of the links, whole minutes
// from 1 minute to 7 days, or 0 for DefaultExpiry. A listing whose status
// is not StatusFinished is a success: check Links.Status. When ctx ends
// first, the request is cancelled and the error wraps ctx's error.
func (c *Client) FetchLinks(ctx context.Context, exportType, exportDate string, expiry time.Duration) (*Links, error) {
	return c.fetchLinks(ctx, exportType, "", exportDate, expiry)
}

// FetchTypeLinks fetches the links of one data type, which must match
// [a-z0-9_]{1,64}. The other parameters are as for FetchLinks.
func (c *Client) FetchTypeLinks(ctx context.Context, exportType, dataType, exportDate string, expiry time.Duration) (*Links, error) {
	if dataType == "" {
		return nil, invalidArgument("missing data type: it must not be empty")
	}
	return c.fetchLinks(ctx, exportType, dataType, exportDate, expiry)
}

func (c *Client) fetchLinks(ctx context.Context, exportType, dataType, exportDate string, expiry time.Duration) (*Links, error) {
	minutes, err := expiryMinutes(expiry)
	if err != nil {
		return nil, err
	}
	var strs cStrings
	defer strs.free()
	cType := strs.required("export type", exportType)
	cDate := strs.required("export date", exportDate)
	cDataType := strs.optional("data type", dataType)
	if strs.err != nil {
		return nil, strs.err
	}

	result, err := c.run(ctx, nil, func(client *C.gioexport_client, handle C.uintptr_t, outError **C.gioexport_error) *C.gioexport_operation {
		if cDataType == nil {
			return C.gioexport_go_fetch_links(client, cType, cDate, minutes, handle, outError)
		}
		return C.gioexport_go_fetch_type_links(client, cType, cDataType, cDate, minutes, handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return result.(*Links), nil
}

// DownloadOptions holds the settings of DownloadLink.
type DownloadOptions struct {
	// RequireMD5 makes a download fail with CodeMD5Missing when the server
	// sends no MD5 header. Without it such a file is kept, unverified.
	RequireMD5 bool
	// BufferSize is the size of the buffer a transfer reads into, hashes
	// and writes from. Zero keeps the default of 256 KiB, and values below
	// 16 KiB are raised to 16 KiB.
	BufferSize int
	// NoFsync skips the fsync of each file before it takes its final name,
	// as curl does. That is faster for many small files, but a power loss or
	// kernel crash may then lose or damage files reported as done. An export
	// marks such files in its journal, and a later run checks their MD5
	// before trusting them.
	NoFsync bool
	// Progress, when not nil, receives progress reports.
	Progress ProgressFunc
}

// DownloadLink downloads url to path. The bytes go to path + ".part" first,
// and the file takes its final name only once its length and MD5 check out.
// Missing parent folders are created, and no credentials are sent. When ctx
// ends first, the transfer is cancelled, only the .part file is left, and
// the error wraps ctx's error.
func (c *Client) DownloadLink(ctx context.Context, url, path string, options DownloadOptions) (*DownloadResult, error) {
	var strs cStrings
	defer strs.free()
	cURL := strs.required("url", url)
	cPath := strs.required("path", path)
	if strs.err != nil {
		return nil, strs.err
	}
	var cOptions C.gioexport_download_options
	C.gioexport_download_options_init(&cOptions, C.size_t(unsafe.Sizeof(cOptions)))
	if options.RequireMD5 {
		cOptions.require_md5 = 1
	}
	if options.NoFsync {
		cOptions.no_fsync = 1
	}
	if err := setSize(&cOptions.buffer_size, "BufferSize", options.BufferSize); err != nil {
		return nil, err
	}

	withProgress := boolToInt(options.Progress != nil)
	result, err := c.run(ctx, options.Progress, func(client *C.gioexport_client, handle C.uintptr_t, outError **C.gioexport_error) *C.gioexport_operation {
		return C.gioexport_go_download_link(client, cURL, cPath, &cOptions, withProgress, handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return result.(*DownloadResult), nil
}

// ExportRequest describes a whole export to download. Type, Date and
// OutDir are required. The zero value of every other field keeps the
// library's default.
type ExportRequest struct {
	// Type is "hour" or "day".
	Type string
	// Date is Beijing time, as for FetchLinks.
	Date string
	// Expiry is the lifetime of the links, as for FetchLinks.
	Expiry time.Duration
	// DataTypes lists the data types to fetch, each through the one-type
	// endpoint. Empty means every type, through the all-types endpoint.
	DataTypes []string
	// OutDir is the folder under which files land as
	// OutDir/<ai>/<exportType>/<exportDate>/<dataType>/part-NNNNN.csv.gz.
	OutDir string
	// Concurrency is the number of downloads in flight at once, 1 to 256
	// (default 8).
	Concurrency int
	// Wait is how long to keep polling while the export is RUNNING,
	// rounded up to whole seconds. Zero fails at once with
	// CodeExportNotReady.
	Wait time.Duration
	// PollInterval is the time between two polls, whole seconds of at
	// least 1 (default 30 s).
	PollInterval time.Duration
	// RequireMD5, BufferSize and NoFsync are as in DownloadOptions.
	RequireMD5 bool
	BufferSize int
	NoFsync    bool
	// Progress, when not nil, receives progress reports.
	Progress ProgressFunc
}

// DownloadExport lists the export, waits while it is RUNNING, downloads
// every file and writes manifest.json in the export folder. A failed file
// is reported in the result (FileOutcome.Err, ExportResult.FailedCount),
// not as the returned error. Listing failures and cancellation are
// returned as errors. When ctx ends first, the run is cancelled, the files
// that were complete are kept, and the error wraps ctx's error.
func (c *Client) DownloadExport(ctx context.Context, request ExportRequest) (*ExportResult, error) {
	minutes, err := expiryMinutes(request.Expiry)
	if err != nil {
		return nil, err
	}
	var strs cStrings
	defer strs.free()

	var cRequest C.gioexport_export_request
	C.gioexport_export_request_init(&cRequest, C.size_t(unsafe.Sizeof(cRequest)))
	cRequest.export_type = strs.required("export type", request.Type)
	cRequest.export_date = strs.required("export date", request.Date)
	cRequest.out_dir = strs.required("out dir", request.OutDir)
	cRequest.expiry_minutes = minutes
	if request.RequireMD5 {
		cRequest.require_md5 = 1
	}
	if request.NoFsync {
		cRequest.no_fsync = 1
	}
	if err := setSize(&cRequest.buffer_size, "BufferSize", request.BufferSize); err != nil {
		return nil, err
	}
	if err := setSize(&cRequest.concurrency, "Concurrency", request.Concurrency); err != nil {
		return nil, err
	}
	if err := setDuration(&cRequest.wait_seconds, "Wait", request.Wait, time.Second); err != nil {
		return nil, err
	}
	if request.PollInterval != 0 {
		if request.PollInterval < time.Second {
			return nil, invalidArgument(fmt.Sprintf("invalid PollInterval %v: it must be at least 1s", request.PollInterval))
		}
		if err := setDuration(&cRequest.poll_interval_seconds, "PollInterval", request.PollInterval, time.Second); err != nil {
			return nil, err
		}
	}

	// The array of names lives in C memory, because cRequest is Go memory
	// passed to C and so must not point to Go memory.
	if count := len(request.DataTypes); count > 0 {
		array := (**C.char)(C.calloc(C.size_t(count), C.size_t(unsafe.Sizeof((*C.char)(nil)))))
		defer C.free(unsafe.Pointer(array))
		names := unsafe.Slice(array, count)
		for i, name := range request.DataTypes {
			names[i] = strs.required(fmt.Sprintf("DataTypes[%d]", i), name)
		}
		cRequest.data_types = array
		cRequest.data_type_count = C.size_t(count)
	}
	if strs.err != nil {
		return nil, strs.err
	}

	withProgress := boolToInt(request.Progress != nil)
	result, err := c.run(ctx, request.Progress, func(client *C.gioexport_client, handle C.uintptr_t, outError **C.gioexport_error) *C.gioexport_operation {
		return C.gioexport_go_download_export(client, &cRequest, withProgress, handle, outError)
	})
	if err != nil {
		return nil, err
	}
	return result.(*ExportResult), nil
}

// expiryMinutes converts a link lifetime to whole minutes, and 0 to the
// minutes of DefaultExpiry.
func expiryMinutes(expiry time.Duration) (C.int, error) {
	if expiry == 0 {
		return C.GIOEXPORT_DEFAULT_EXPIRY_MINUTES, nil
	}
	if expiry < time.Minute || expiry%time.Minute != 0 || expiry > 10080*time.Minute {
		return 0, invalidArgument(fmt.Sprintf("invalid link expiry %v: it must be whole minutes from 1m to 168h", expiry))
	}
	return C.int(expiry / time.Minute), nil
}

// setSize stores a positive count in a size_t field. Zero keeps the default.
func setSize(field *C.size_t, name string, value int) error {
	switch {
	case value == 0:
		return nil
	case value < 0 || uint64(value) > math.MaxUint32:
		return invalidArgument(fmt.Sprintf("invalid %s %d: it must be positive", name, value))
	}
	*field = C.size_t(value)
	return nil
}

func boolToInt(b bool) C.int {
	if b {
		return 1
	}
	return 0
}
