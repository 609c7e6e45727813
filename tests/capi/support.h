/* Checks and temporary folders shared by the C tests of libgioexport. */
#ifndef GIOEXPORT_TEST_SUPPORT_H
#define GIOEXPORT_TEST_SUPPORT_H

#include <stddef.h>

/* Number of failed checks so far in this process. */
extern int test_failures;

/* Records a failed check with its location; returns `ok`. */
int test_check(int ok, const char* expression, const char* file, int line);

/* Records a failure unless two status codes are equal, printing both names. */
int test_check_status(int actual, int expected, const char* expression, const char* file, int line);

/* Records a failure unless two strings are equal (NULL equals only NULL). */
int test_check_string(const char* actual, const char* expected, const char* expression,
                      const char* file, int line);

#define CHECK(expression) test_check((expression) ? 1 : 0, #expression, __FILE__, __LINE__)
#define CHECK_STATUS(expression, expected) \
    test_check_status((int)(expression), (int)(expected), #expression, __FILE__, __LINE__)
#define CHECK_STRING(expression, expected) \
    test_check_string((expression), (expected), #expression, __FILE__, __LINE__)

/* Prints the outcome and returns the process exit code: 0 when every check
 * passed, 1 otherwise. */
int test_finish(const char* test_name);

/* Creates a fresh folder under $TMPDIR (or /tmp) and writes its path to
 * `path`. Returns 0 on success. */
int test_make_temp_dir(char* path, size_t size);

/* Removes a folder and everything below it. */
void test_remove_tree(const char* path);

/* Returns 1 when a regular file exists at `path`, 0 otherwise, and stores
 * its size in *size when size is not NULL. */
int test_file_exists(const char* path, unsigned long long* size);

/* Writes the Beijing hour (yyyyMMddHH) that began `hours_ago` hours before
 * now, so an export for it has ended and is within the 15-day retention. */
void test_beijing_hour(char* out, size_t size, int hours_ago);

/* Seconds on a monotonic clock. */
double test_now_seconds(void);

#endif
