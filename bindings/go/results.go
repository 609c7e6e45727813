package gioexport

/*
#include <gioexport.h>
*/
import "C"

// ExportStatus is the status field of a listing, the C type
// gioexport_export_status. A newer library may return a value that has no
// constant here. Links.StatusText contains the server's text in any case.
type ExportStatus int

// The listing statuses, with the values of gioexport.h.
const (
	StatusFinished  ExportStatus = C.GIOEXPORT_EXPORT_FINISHED
	StatusRunning   ExportStatus = C.GIOEXPORT_EXPORT_RUNNING
	StatusNotExists ExportStatus = C.GIOEXPORT_EXPORT_NOT_EXISTS
	StatusError     ExportStatus = C.GIOEXPORT_EXPORT_ERROR
	// StatusUnknown is a status text that the library does not know.
	StatusUnknown ExportStatus = C.GIOEXPORT_EXPORT_UNKNOWN
)

func (s ExportStatus) String() string {
	switch s {
	case StatusFinished:
		return "FINISHED"
	case StatusRunning:
		return "RUNNING"
	case StatusNotExists:
		return "NOT_EXISTS"
	case StatusError:
		return "ERROR"
	}
	return "UNKNOWN"
}

// Links is a parsed listing: the export's status and, when it is
// StatusFinished, the links of each data type.
type Links struct {
	Status ExportStatus
	// StatusText is the status as the server sent it, also when it is
	// unknown.
	StatusText    string
	ExportType    string
	DataType      string // of a one-type listing, "" for all types
	ExportDate    string
	ExportVersion string
	RequestTime   string
	ErrorMessage  string // the server's errorMsg, "" when empty
	// Types lists the data types in server order.
	Types []TypeLinks
}

// TypeLinks holds the links of one data type. The index of a URL is the
// file's part number. Each URL carries a signature: do not log it.
type TypeLinks struct {
	DataType string
	URLs     []string
}

// TotalCount returns the number of links over all data types.
func (l *Links) TotalCount() int {
	total := 0
	for _, t := range l.Types {
		total += len(t.URLs)
	}
	return total
}

// Progress reports how far a download has come. Fields that do not apply
// to the operation are zero.
type Progress struct {
	// Path is the final path of the file of a DownloadLink call.
	Path string
	// BytesDone counts the bytes received so far: of the one file for
	// DownloadLink, over all files of the run for DownloadExport.
	BytesDone uint64
	// BytesTotal is the expected size of the file of a DownloadLink call,
	// or 0 when the server sent no Content-Length.
	BytesTotal uint64
	// FilesTotal, FilesDone and FilesFailed count the files of a
	// DownloadExport run: listed, finished and failed so far.
	FilesTotal  int
	FilesDone   int
	FilesFailed int
}

// DownloadResult describes one file that arrived whole under its final
// name.
type DownloadResult struct {
	Path  string
	Bytes uint64
	// MD5 is the MD5 of the bytes on disk as 32 lower-case hex digits.
	MD5 string
	// Verified reports whether MD5 equals the server's
	// x-amz-meta-md5-hash. It is false when the server sent no MD5 and the
	// file was kept unchecked.
	Verified bool
}

// ExportResult is the outcome of a whole export run.
type ExportResult struct {
	// ExportDir is OutDir/<ai>/<exportType>/<exportDate>.
	ExportDir    string
	ManifestPath string
	// Listing is the listing the run used.
	Listing *Links
	// Files lists every listed file in listing order: data types as
	// listed, then position.
	Files []FileOutcome
	// FailedCount is the number of files that did not arrive.
	FailedCount int
}

// FileOutcome is the outcome of one file of an export.
type FileOutcome struct {
	DataType string
	// Position is the index of the file's link in its data type's list.
	Position int
	// Path is the path below ExportDir, such as "page/part-00000.csv.gz".
	Path string
	// Err is nil when the file arrived, else an *Error with the code and
	// message of its failure (no HTTP status).
	Err error
	// Bytes, MD5 and Verified describe a file that arrived, and are zero
	// otherwise.
	Bytes    uint64
	MD5      string
	Verified bool
}

// The converters below copy a C handle into Go values. They run inside the
// completion callback, while the handle is valid, and free nothing.

func copyLinks(links *C.gioexport_links) *Links {
	out := &Links{
		Status:        ExportStatus(C.gioexport_links_status(links)),
		StatusText:    C.GoString(C.gioexport_links_status_text(links)),
		ExportType:    C.GoString(C.gioexport_links_export_type(links)),
		DataType:      C.GoString(C.gioexport_links_data_type(links)),
		ExportDate:    C.GoString(C.gioexport_links_export_date(links)),
		ExportVersion: C.GoString(C.gioexport_links_export_version(links)),
		RequestTime:   C.GoString(C.gioexport_links_request_time(links)),
		ErrorMessage:  C.GoString(C.gioexport_links_error_message(links)),
	}
	typeCount := C.gioexport_links_type_count(links)
	out.Types = make([]TypeLinks, 0, int(typeCount))
	for t := C.size_t(0); t < typeCount; t++ {
		urlCount := C.gioexport_links_url_count(links, t)
		one := TypeLinks{
			DataType: C.GoString(C.gioexport_links_type_name(links, t)),
			URLs:     make([]string, 0, int(urlCount)),
		}
		for u := C.size_t(0); u < urlCount; u++ {
			one.URLs = append(one.URLs, C.GoString(C.gioexport_links_url(links, t, u)))
		}
		out.Types = append(out.Types, one)
	}
	return out
}

func copyProgress(progress *C.gioexport_progress) Progress {
	out := Progress{
		BytesDone:   uint64(progress.bytes_done),
		BytesTotal:  uint64(progress.bytes_total),
		FilesTotal:  int(progress.files_total),
		FilesDone:   int(progress.files_done),
		FilesFailed: int(progress.files_failed),
	}
	if progress.path != nil {
		out.Path = C.GoString(progress.path)
	}
	return out
}

func copyDownloadResult(result *C.gioexport_download_result) *DownloadResult {
	return &DownloadResult{
		Path:     C.GoString(C.gioexport_download_result_path(result)),
		Bytes:    uint64(C.gioexport_download_result_bytes(result)),
		MD5:      C.GoString(C.gioexport_download_result_md5(result)),
		Verified: C.gioexport_download_result_verified(result) != 0,
	}
}

func copyExportResult(result *C.gioexport_export_result) *ExportResult {
	out := &ExportResult{
		ExportDir:    C.GoString(C.gioexport_export_result_export_dir(result)),
		ManifestPath: C.GoString(C.gioexport_export_result_manifest_path(result)),
		FailedCount:  int(C.gioexport_export_result_failed_count(result)),
	}
	if listing := C.gioexport_export_result_listing(result); listing != nil {
		out.Listing = copyLinks(listing)
	}
	count := C.gioexport_export_result_file_count(result)
	out.Files = make([]FileOutcome, 0, int(count))
	for i := C.size_t(0); i < count; i++ {
		file := FileOutcome{
			DataType: C.GoString(C.gioexport_export_result_file_data_type(result, i)),
			Position: int(C.gioexport_export_result_file_position(result, i)),
			Path:     C.GoString(C.gioexport_export_result_file_path(result, i)),
		}
		if status := Code(C.gioexport_export_result_file_status(result, i)); status != CodeOK {
			file.Err = &Error{
				Code:    status,
				Message: C.GoString(C.gioexport_export_result_file_error_message(result, i)),
			}
		} else {
			file.Bytes = uint64(C.gioexport_export_result_file_bytes(result, i))
			file.MD5 = C.GoString(C.gioexport_export_result_file_md5(result, i))
			file.Verified = C.gioexport_export_result_file_verified(result, i) != 0
		}
		out.Files = append(out.Files, file)
	}
	return out
}
