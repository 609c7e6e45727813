#define _XOPEN_SOURCE 700

#include "support.h"

#include "gioexport.h"

#include <ftw.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int test_failures = 0;

int test_check(int ok, const char* expression, const char* file, int line)
{
    if (!ok) {
        ++test_failures;
        fprintf(stderr, "%s:%d: check failed: %s\n", file, line, expression);
    }
    return ok;
}

int test_check_status(int actual, int expected, const char* expression, const char* file, int line)
{
    if (actual != expected) {
        ++test_failures;
        fprintf(stderr, "%s:%d: check failed: %s is %d (%s), expected %d (%s)\n", file, line,
                expression, actual, gioexport_status_name(actual), expected,
                gioexport_status_name(expected));
        return 0;
    }
    return 1;
}

int test_check_string(const char* actual, const char* expected, const char* expression,
                      const char* file, int line)
{
    const int equal = (actual == NULL || expected == NULL) ? actual == expected
                                                           : strcmp(actual, expected) == 0;
    if (!equal) {
        ++test_failures;
        fprintf(stderr, "%s:%d: check failed: %s is \"%s\", expected \"%s\"\n", file, line,
                expression, actual != NULL ? actual : "(null)",
                expected != NULL ? expected : "(null)");
    }
    return equal;
}

int test_finish(const char* test_name)
{
    if (test_failures > 0) {
        fprintf(stderr, "%s: %d check(s) failed\n", test_name, test_failures);
        return 1;
    }
    printf("%s: all checks passed\n", test_name);
    return 0;
}

int test_make_temp_dir(char* path, size_t size)
{
    const char* base = getenv("TMPDIR");
    if (base == NULL || base[0] == '\0')
        base = "/tmp";
    if ((size_t)snprintf(path, size, "%s/gioexport-capi-XXXXXX", base) >= size)
        return -1;
    return mkdtemp(path) != NULL ? 0 : -1;
}

static int remove_entry(const char* path, const struct stat* info, int type, struct FTW* walk)
{
    (void)info;
    (void)type;
    (void)walk;
    remove(path);
    return 0;
}

void test_remove_tree(const char* path)
{
    nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}

int test_file_exists(const char* path, unsigned long long* size)
{
    struct stat info;
    if (stat(path, &info) != 0 || !S_ISREG(info.st_mode))
        return 0;
    if (size != NULL)
        *size = (unsigned long long)info.st_size;
    return 1;
}

void test_beijing_hour(char* out, size_t size, int hours_ago)
{
    /* Beijing time is UTC+8 all year, so shifting before gmtime_r gives its
     * calendar fields. */
    const time_t beijing = time(NULL) - (time_t)hours_ago * 3600 + 8 * 3600;
    struct tm fields;
    gmtime_r(&beijing, &fields);
    strftime(out, size, "%Y%m%d%H", &fields);
}

double test_now_seconds(void)
{
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    return (double)now.tv_sec + (double)now.tv_nsec / 1e9;
}
