/* hull-init: the tiny PID 1 of `hull run --init` (docker's docker-init, i.e. tini).
 *
 * A program that was never written to be PID 1 misbehaves there in two ways:
 *   - orphaned grandchildren are re-parented to PID 1, and if it never waits
 *     for them they stay zombies, filling the pid table (or --pids-limit);
 *   - the kernel does not apply default signal actions to a namespace's init:
 *     SIGTERM from `hull stop` is dropped unless the program installed a
 *     handler, so every stop waits for the SIGKILL timeout.
 * hull-init runs the command as its only child and, until that child exits,
 * forwards every signal it gets to it and reaps every zombie it inherits.  It
 * then exits with the child's status (128+N when the child was killed by
 * signal N), the convention of shells and of `docker run`.
 *
 * It is linked statically (musl when available): the engine bind-mounts this
 * file read-only into containers whose images have any libc or none.
 *
 * Usage: hull-init [--] COMMAND [ARG...]
 * When it is not PID 1 it makes itself a child subreaper, so it reaps the
 * orphans of its subtree just the same. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

/* Exit statuses of our own failures, as tini and docker-init use them. */
#define EXIT_USAGE 1
#define EXIT_CANNOT_EXEC 126
#define EXIT_NOT_FOUND 127

static void die(int status, const char *what)
{
    fprintf(stderr, "hull-init: %s: %s\n", what, strerror(errno));
    exit(status);
}

/* Signals that report a fault of this very process: blocking them would turn
 * a crash into a hang, so they keep their default action. */
static const int synchronous_signals[] = {SIGFPE, SIGILL, SIGSEGV, SIGBUS, SIGABRT, SIGTRAP, SIGSYS};

static void blocked_set(sigset_t *set)
{
    sigfillset(set);
    for (size_t i = 0; i < sizeof synchronous_signals / sizeof synchronous_signals[0]; i++)
        sigdelset(set, synchronous_signals[i]);
}

/* In the child, before exec: its own process group (so a terminal's job
 * control signals reach the command, not us) and the foreground of the
 * terminal when there is one, as tini does. */
static void isolate_child(void)
{
    if (setpgid(0, 0) < 0)
        die(EXIT_CANNOT_EXEC, "setpgid");
    /* SIGTTOU is still ignored here, so tcsetpgrp cannot stop us. */
    if (tcsetpgrp(STDIN_FILENO, getpgrp()) < 0 && errno != ENOTTY && errno != ENXIO && errno != EINVAL &&
        errno != EBADF)
        die(EXIT_CANNOT_EXEC, "tcsetpgrp");
}

static pid_t spawn(char **argv, const sigset_t *parent_mask)
{
    pid_t pid = fork();
    if (pid < 0)
        die(EXIT_CANNOT_EXEC, "fork");
    if (pid > 0)
        return pid;
    isolate_child();
    signal(SIGTTIN, SIG_DFL);
    signal(SIGTTOU, SIG_DFL);
    sigprocmask(SIG_SETMASK, parent_mask, NULL);
    execvp(argv[0], argv);
    int status = errno == ENOENT ? EXIT_NOT_FOUND : EXIT_CANNOT_EXEC;
    fprintf(stderr, "hull-init: exec %s: %s\n", argv[0], strerror(errno));
    _exit(status);
}

/* Reaps every exited child; true once the command itself has been reaped,
 * with its exit status (128+N for a signal) in *exit_status. */
static bool reap(pid_t command, int *exit_status)
{
    bool command_done = false;
    for (;;) {
        int status;
        pid_t pid = waitpid(-1, &status, WNOHANG);
        if (pid < 0 && errno == EINTR)
            continue;
        if (pid <= 0)
            return command_done; /* none left right now (0) or no children at all (ECHILD) */
        if (pid != command)
            continue; /* an inherited orphan: reaping it is the whole point */
        if (WIFEXITED(status))
            *exit_status = WEXITSTATUS(status);
        else if (WIFSIGNALED(status))
            *exit_status = 128 + WTERMSIG(status);
        else
            continue; /* stopped or continued: not the end */
        command_done = true;
    }
}

int main(int argc, char **argv)
{
    int first = 1;
    if (first < argc && !strcmp(argv[first], "--"))
        first++;
    if (first >= argc) {
        fprintf(stderr, "usage: hull-init [--] COMMAND [ARG...]\n");
        return EXIT_USAGE;
    }
    if (getpid() != 1 && prctl(PR_SET_CHILD_SUBREAPER, 1) < 0)
        die(EXIT_CANNOT_EXEC, "PR_SET_CHILD_SUBREAPER");

    /* Every signal is blocked and taken with sigwaitinfo: a blocked signal is
     * queued even for a namespace's init with no handler (the kernel only
     * drops unblocked default-action ones), so none is lost between fork and
     * the wait.  Background reads/writes of a terminal must not stop us. */
    sigset_t all, parent_mask;
    blocked_set(&all);
    if (sigprocmask(SIG_SETMASK, &all, &parent_mask) < 0)
        die(EXIT_CANNOT_EXEC, "sigprocmask");
    signal(SIGTTIN, SIG_IGN);
    signal(SIGTTOU, SIG_IGN);

    pid_t command = spawn(argv + first, &parent_mask);
    int exit_status = 0;
    for (;;) {
        siginfo_t info;
        int sig = sigwaitinfo(&all, &info);
        if (sig < 0) {
            if (errno == EINTR)
                continue;
            die(EXIT_CANNOT_EXEC, "sigwaitinfo");
        }
        if (sig == SIGCHLD) {
            if (reap(command, &exit_status))
                return exit_status;
            continue;
        }
        /* Forwarded to the command alone, as docker-init does without -g:
         * its own children are its business. */
        if (kill(command, sig) < 0 && errno != ESRCH)
            fprintf(stderr, "hull-init: forward signal %d to %d: %s\n", sig, (int)command, strerror(errno));
    }
}
