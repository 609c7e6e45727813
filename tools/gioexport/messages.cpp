#include "messages.hpp"

#include <array>
#include <vector>

namespace gioexport::cli {
namespace {

struct message_entry {
    message_id id;
    std::string_view english;
    std::string_view chinese;
};

// One row per message_id, in the order of the enum; a static_assert below
// checks the order.
constexpr message_entry messages[] = {
    // Usage errors.
    {message_id::unknown_option,
     "unknown option {0}",
     "未知选项 {0}"},
    {message_id::missing_value,
     "option {0} needs a value",
     "选项 {0} 缺少值"},
    {message_id::option_takes_no_value,
     "option {0} takes no value",
     "选项 {0} 不接受值"},
    {message_id::option_not_for_command,
     "option {0} does not apply to the {1} command",
     "选项 {0} 不适用于 {1} 命令"},
    {message_id::unknown_command,
     "unknown command \"{0}\": expected links, download or help",
     "未知命令 \"{0}\"：应为 links、download 或 help"},
    {message_id::missing_command,
     "no command given: expected links, download or help",
     "未指定命令：应为 links、download 或 help"},
    {message_id::unexpected_argument,
     "unexpected argument \"{0}\": only one command is accepted",
     "多余的参数 \"{0}\"：只能指定一个命令"},
    {message_id::invalid_value,
     "invalid value \"{1}\" for {0}: expected {2}",
     "{0} 的值 \"{1}\" 无效，可接受的格式：{2}"},
    {message_id::missing_setting,
     "missing {0}: set the option or the environment variable {1}",
     "缺少 {0}：请设置该选项或环境变量 {1}"},
    {message_id::missing_secret_or_token,
     "missing credentials: set --secret (GIOEXPORT_SECRET) to request a token, or --token "
     "(GIOEXPORT_TOKEN) to use one obtained earlier",
     "缺少凭据：请设置 --secret（GIOEXPORT_SECRET）以申请令牌，或设置 --token（GIOEXPORT_TOKEN）"
     "以使用已有的令牌"},
    {message_id::invalid_credentials,
     "invalid credentials:",
     "凭据无效："},
    {message_id::conflicting_options,
     "options {0} and {1} cannot be used together",
     "选项 {0} 和 {1} 不能同时使用"},
    {message_id::see_help,
     "Run 'gioexport --help' for usage.",
     "运行 'gioexport --help' 查看用法。"},

    // Accepted forms.
    {message_id::form_url,
     "an http:// or https:// URL with a host, such as https://www.growingio.com",
     "带主机名的 http:// 或 https:// 地址，例如 https://www.growingio.com"},
    {message_id::form_non_empty,
     "a non-empty value",
     "非空的值"},
    {message_id::form_export_type,
     "hour or day",
     "hour 或 day"},
    {message_id::form_date,
     "yyyyMMddHHmm, yyyyMMdd or yyyyMMddHH in Beijing time, or an ISO-8601 time with a UTC "
     "offset such as 2026-12-03T16:30:00Z or 2026-12-04T00:30+08:00",
     "北京时间的 yyyyMMddHHmm、yyyyMMdd 或 yyyyMMddHH，或带 UTC 偏移的 ISO-8601 时间，"
     "例如 2026-12-03T16:30:00Z 或 2026-12-04T00:30+08:00"},
    {message_id::form_data_types,
     "a comma-separated list of data types such as visit,page, each matching [a-z0-9_]{1,64}",
     "以逗号分隔的数据类型列表，例如 visit,page，每项须匹配 [a-z0-9_]{1,64}"},
    {message_id::form_expire,
     "whole minutes from 1 to 10080 (seven days)",
     "1 到 10080（七天）之间的整数分钟"},
    {message_id::form_concurrency,
     "a whole number from 1 to 64",
     "1 到 64 之间的整数"},
    {message_id::form_wait,
     "a duration such as 90s, 90m, 2h, 1h30m or 2d, or plain seconds, up to 15 days",
     "时长，例如 90s、90m、2h、1h30m 或 2d，或纯秒数，最长 15 天"},
    {message_id::form_poll_interval,
     "a duration from 1s to 15 days such as 30s, 5m or 1h30m, or plain seconds",
     "1 秒到 15 天之间的时长，例如 30s、5m 或 1h30m，或纯秒数"},
    {message_id::form_boolean,
     "1, 0, true, false, yes or no",
     "1、0、true、false、yes 或 no"},
    {message_id::form_ca_file,
     "an existing PEM file with CA certificates",
     "已存在的 PEM 格式 CA 证书文件"},

    // Sentences that precede a library error message.
    {message_id::failed_usage,
     "Invalid setting:",
     "设置无效："},
    {message_id::failed_api,
     "The export API request failed:",
     "导出 API 请求失败："},
    {message_id::failed_not_ready,
     "The export is not ready yet, and the wait time (--wait) ran out:",
     "导出尚未就绪，等待时间（--wait）已用完："},
    {message_id::failed_local_io,
     "A local file operation failed:",
     "本地文件操作失败："},
    {message_id::failed_interrupted,
     "Interrupted; any partial downloads stay as .part files:",
     "已中断，未完成的下载（如有）保留为 .part 文件："},
    {message_id::failed_internal,
     "Internal error:",
     "内部错误："},
    {message_id::server_message,
     "Server message: {0}",
     "服务器消息：{0}"},

    // Listing status that is not FINISHED.
    {message_id::status_running,
     "The export is still running (status RUNNING). Use --wait to keep polling until it "
     "finishes.",
     "导出任务仍在运行（状态 RUNNING）。可用 --wait 持续轮询直到完成。"},
    {message_id::status_not_exists,
     "The export does not exist (status NOT_EXISTS). Check that raw-data export is enabled for "
     "the project and that the date lies within the last 15 days.",
     "导出不存在（状态 NOT_EXISTS）。请确认项目已开通原始数据导出，且日期在最近 15 天内。"},
    {message_id::status_not_ready,
     "The export is not ready yet (status NOT_EXISTS for a period that has not ended or ended less "
     "than 3 hours ago). Use --wait to keep polling, or try again later.",
     "导出尚未就绪（尚未结束或结束不到 3 小时的时间段返回状态 NOT_EXISTS）。可用 --wait 持续轮询，或稍后再试。"},
    {message_id::status_error,
     "The export job failed on the server (status ERROR).",
     "服务器上的导出任务失败（状态 ERROR）。"},
    {message_id::status_unknown,
     "The server sent an unknown export status \"{0}\".",
     "服务器返回了未知的导出状态 \"{0}\"。"},

    // Warnings and notices.
    {message_id::warning_insecure,
     "warning: TLS certificate verification is off (--insecure); use it only for testing.",
     "警告：TLS 证书校验已关闭（--insecure），仅应在测试中使用。"},
    {message_id::warning_undocumented_type,
     "warning: \"{0}\" is not a documented data type ({1}); it is sent to the server as given.",
     "警告：\"{0}\" 不是文档列出的数据类型（{1}），将按原样发送给服务器。"},
    {message_id::interrupted_notice,
     "Interrupted: stopping. Press Ctrl-C again to quit at once.",
     "已中断，正在停止。再按一次 Ctrl-C 立即退出。"},

    // Download summary and progress line.
    {message_id::summary_export_dir,
     "Export folder: {0}",
     "导出目录：{0}"},
    {message_id::summary_manifest,
     "Manifest:      {0}",
     "清单文件：{0}"},
    {message_id::summary_files,
     "Files:         {0} verified, {1} unverified, {2} failed, {3} listed",
     "文件：    {0} 个已校验，{1} 个未校验，{2} 个失败，共 {3} 个"},
    {message_id::summary_data,
     "Data:          {0} MB ({1} bytes)",
     "数据量：  {0} MB（{1} 字节）"},
    {message_id::summary_elapsed,
     "Elapsed:       {0} s",
     "用时：    {0} 秒"},
    {message_id::failed_file,
     "failed: {0} part {1}: {2}: {3}",
     "失败：{0} 第 {1} 部分：{2}：{3}"},
    {message_id::unverified_file,
     "warning: {0} part {1} is unverified: the server sent no MD5 for it (--require-md5 makes this an error)",
     "警告：{0} 第 {1} 部分未经校验：服务器没有为它发送 MD5（使用 --require-md5 可将其视为错误）"},
    {message_id::unverified_more,
     "warning: {0} more files are unverified",
     "警告：另有 {0} 个文件未经校验"},
    {message_id::progress_line,
     "{0}/{1} files, {2} failed, {3} MB, {4} MB/s",
     "{0}/{1} 个文件，{2} 个失败，{3} MB，{4} MB/s"},

    // Help and version.
    {message_id::help_text,
     R"(gioexport downloads GrowingIO raw-data exports through the export API v2.

Usage:
  gioexport links [options]      print the download links of an export as JSON
  gioexport download [options]   download every file of an export and check its MD5
  gioexport help, --help, -h     print this help
  gioexport --version            print the version

Credentials and connection:
  --client-id KEY        public key, sent as X-Client-Id (required)
  --secret KEY           private key that signs the token request
  --token TOKEN          a token obtained earlier; with it, --secret and --project
                         are not needed
  --project UID          project UID, e.g. nxog09md (required with --secret)
  --ai ID                project ID, e.g. 2a1b4018cd954ec2bcc69da5138bdb96 (required)
  --base-url URL         address of the export API (default https://www.growingio.com)
  --ca-file FILE         PEM file with the trusted CA certificates (default: the
                         system store)
  --insecure             skip TLS certificate verification (for tests only)
  --proxy URL            HTTP proxy, http://[user:password@]host:port, reached
                         with CONNECT (default: HTTPS_PROXY, HTTP_PROXY and
                         NO_PROXY from the environment)

  Pass the secret and the token as GIOEXPORT_SECRET and GIOEXPORT_TOKEN rather
  than as options: other users can read command-line arguments in the process
  list.

Export:
  --export-type TYPE     hour or day (required)
  --date DATE            the hour or day to export (required): yyyyMMddHHmm,
                         yyyyMMdd or yyyyMMddHH in Beijing time (UTC+8), or an
                         ISO-8601 time with a UTC offset such as
                         2026-12-03T16:30:00Z, which is converted to Beijing time
  --data-types LIST      comma-separated data types, e.g. visit,page
                         (default: all types, through the all-types endpoint)
  --expire MINUTES       lifetime of the download links, 1 to 10080 minutes
                         (default 5)
  --wait DURATION        how long to keep polling while the export is not
                         ready, e.g. 90s, 90m, 2h, 1h30m, 2d or plain seconds
                         (default 0: fail at once)
  --poll-interval DURATION
                         time between two polls while waiting (default 30s)

Download:
  --out DIR              output folder (default ./gioexport-data); files land in
                         DIR/<ai>/<export type>/<export date>/<data type>/
  --concurrency N        number of downloads in flight, 1 to 64 (default 8)
  --require-md5          fail a file whose response carries no MD5 header
  --no-fsync             do not flush each file to disk before naming it:
                         faster for many small files, but a power loss may
                         lose or damage files reported as done (a re-run
                         checks their MD5 again)

Output:
  --json                 print exactly one JSON object on stdout and nothing else
  --show-links           links only: print each link in full with its signed
                         query string, which grants access to the data
  --quiet                print errors only
  --verbose              also print the library's debug and info log lines

Environment:
  Each option can also be set through GIOEXPORT_<OPTION>, with the name in
  upper case and dashes as underscores: GIOEXPORT_BASE_URL, GIOEXPORT_DATA_TYPES.
  Switches accept 1, 0, true, false, yes or no. An option on the command line
  overrides its variable. Messages are in Chinese when LC_ALL, LC_MESSAGES or
  LANG (the first one that is set) starts with "zh".
)",
     R"(gioexport 通过导出 API v2 下载 GrowingIO 原始数据导出。

用法：
  gioexport links [选项]         以 JSON 输出一次导出的下载链接
  gioexport download [选项]      下载一次导出的全部文件并校验 MD5
  gioexport help, --help, -h     显示本帮助
  gioexport --version            显示版本

凭据与连接：
  --client-id KEY        公钥，作为 X-Client-Id 发送（必填）
  --secret KEY           用于签名令牌请求的私钥
  --token TOKEN          之前获得的令牌；提供后无需 --secret 和 --project
  --project UID          项目 UID，例如 nxog09md（使用 --secret 时必填）
  --ai ID                项目 ID，例如 2a1b4018cd954ec2bcc69da5138bdb96（必填）
  --base-url URL         导出 API 的地址（默认 https://www.growingio.com）
  --ca-file FILE         受信任 CA 证书的 PEM 文件（默认使用系统证书库）
  --insecure             跳过 TLS 证书校验（仅用于测试）
  --proxy URL            HTTP 代理，http://[用户:密码@]主机:端口，通过 CONNECT 连接
                         （默认读取环境变量 HTTPS_PROXY、HTTP_PROXY 和 NO_PROXY）

  请通过环境变量 GIOEXPORT_SECRET 和 GIOEXPORT_TOKEN 传递私钥和令牌，
  不要写在命令行上：其他用户可以在进程列表中看到命令行参数。

导出：
  --export-type TYPE     hour 或 day（必填）
  --date DATE            要导出的小时或日期（必填）：北京时间（UTC+8）的
                         yyyyMMddHHmm、yyyyMMdd 或 yyyyMMddHH，或带 UTC 偏移的
                         ISO-8601 时间，例如 2026-12-03T16:30:00Z，会换算为北京时间
  --data-types LIST      以逗号分隔的数据类型，例如 visit,page
                         （默认：全部类型，使用全类型接口）
  --expire MINUTES       下载链接的有效期，1 到 10080 分钟（默认 5）
  --wait DURATION        导出尚未就绪时持续轮询的时长，例如 90s、90m、
                         2h、1h30m、2d 或纯秒数（默认 0：立即失败）
  --poll-interval DURATION
                         等待期间两次轮询的间隔（默认 30s）

下载：
  --out DIR              输出目录（默认 ./gioexport-data）；文件保存在
                         DIR/<ai>/<导出类型>/<导出日期>/<数据类型>/ 下
  --concurrency N        同时进行的下载数，1 到 64（默认 8）
  --require-md5          响应不带 MD5 头的文件视为失败
  --no-fsync             文件命名前不逐个刷写到磁盘：文件多而小时更快，
                         但断电可能丢失或损坏已报告完成的文件
                         （再次运行时会重新校验它们的 MD5）

输出：
  --json                 在标准输出上只输出一个 JSON 对象
  --show-links           仅用于 links：输出完整链接，包括带签名的查询串；
                         持有链接即可访问数据
  --quiet                只输出错误
  --verbose              同时输出库的 debug 和 info 日志

环境变量：
  每个选项也可以通过 GIOEXPORT_<选项名> 设置，选项名大写、连字符换成下划线，
  例如 GIOEXPORT_BASE_URL、GIOEXPORT_DATA_TYPES。开关类选项接受 1、0、true、
  false、yes 或 no。命令行上的选项优先于对应的环境变量。LC_ALL、LC_MESSAGES、
  LANG 中第一个已设置的变量以 "zh" 开头时，消息使用中文。
)"},
    {message_id::help_exit_codes_heading,
     "Exit codes:",
     "退出码："},
    {message_id::exit_success,
     "every file arrived whole and was verified, or is unverified because\n"
     "       the server sent no MD5 and --require-md5 is off; links: status FINISHED",
     "所有文件完整下载并通过校验，或因服务器未发送 MD5 且未设置\n"
     "       --require-md5 而未校验；links 命令：状态为 FINISHED"},
    {message_id::exit_internal,
     "internal error (a bug in gioexport)",
     "内部错误（gioexport 的缺陷）"},
    {message_id::exit_usage,
     "usage error: invalid option or value, or missing credentials",
     "用法错误：选项或值无效，或缺少凭据"},
    {message_id::exit_api,
     "API or listing error: authentication failed, HTTP error, invalid\n"
     "       response, status NOT_EXISTS or ERROR, unknown status",
     "API 或链接列表错误：认证失败、HTTP 错误、响应无效、\n"
     "       状态为 NOT_EXISTS 或 ERROR、未知状态"},
    {message_id::exit_downloads_failed,
     "some downloads failed; the files that arrived are kept",
     "部分文件下载失败；已下载的文件会保留"},
    {message_id::exit_not_ready,
     "the export was not ready when --wait ran out: RUNNING, or NOT_EXISTS\n"
     "       for a period that has not ended or ended less than 3 hours ago",
     "--wait 用完时导出尚未就绪：状态为 RUNNING，或时间段尚未结束或\n"
     "       结束不到 3 小时且状态为 NOT_EXISTS"},
    {message_id::exit_local_io,
     "local I/O error: the output folder cannot be created, or the disk\n"
     "       is full",
     "本地 I/O 错误：无法创建输出目录，或磁盘已满"},
    {message_id::exit_interrupted,
     "interrupted by SIGINT or SIGTERM; partial downloads stay as .part\n"
     "       files",
     "被 SIGINT 或 SIGTERM 中断；未完成的下载保留为 .part 文件"},
    {message_id::version_line,
     "gioexport {0}",
     "gioexport {0}"},
};

static_assert(std::size(messages) == message_count, "one row per message_id");

constexpr bool rows_in_enum_order()
{
    for (std::size_t i = 0; i < std::size(messages); ++i) {
        if (static_cast<std::size_t>(messages[i].id) != i)
            return false;
    }
    return true;
}
static_assert(rows_in_enum_order(), "rows must follow the order of message_id");

bool starts_with_chinese_tag(std::string_view locale)
{
    return locale.starts_with("zh");
}

}  // namespace

language select_language(const environment& env)
{
    for (const char* name : {"LC_ALL", "LC_MESSAGES", "LANG"}) {
        if (const auto value = env.get(name))
            return starts_with_chinese_tag(*value) ? language::chinese : language::english;
    }
    return language::english;
}

std::string_view message_text(language lang, message_id id)
{
    const message_entry& entry = messages[static_cast<std::size_t>(id)];
    return lang == language::chinese ? entry.chinese : entry.english;
}

std::string format_message(language lang, message_id id,
                           std::initializer_list<std::string_view> args)
{
    const std::string_view text = message_text(lang, id);
    const std::vector<std::string_view> values(args);

    std::string out;
    out.reserve(text.size());
    for (std::size_t i = 0; i < text.size(); ++i) {
        const bool placeholder = text[i] == '{' && i + 2 < text.size() && text[i + 2] == '}' &&
                                 text[i + 1] >= '0' && text[i + 1] <= '9';
        if (placeholder) {
            const auto index = static_cast<std::size_t>(text[i + 1] - '0');
            if (index < values.size()) {
                out += values[index];
                i += 2;
                continue;
            }
        }
        out += text[i];
    }
    return out;
}

}  // namespace gioexport::cli
