#include "foreground.h"

#include <errno.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../terminal/terminal.h"
#include "../util/utils.h"

void foreground_block_signals(sigset_t *fwd, sigset_t *old)
{
    static const int not_forwarded[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT, SIGTTIN, SIGTTOU, SIGWINCH};
    sigfillset(fwd);
    for (size_t i = 0; i < ARRAY_SIZE(not_forwarded); i++)
        sigdelset(fwd, not_forwarded[i]);
    sigprocmask(SIG_BLOCK, fwd, old);
}

int foreground_wait(pid_t pid, const sigset_t *fwd)
{
    cleanup_close int sfd = signalfd(-1, fwd, SFD_CLOEXEC);
    int status = 0;
    for (;;) {
        pid_t r = waitpid(pid, &status, WNOHANG);
        if (r == pid)
            break;
        if (r < 0 && errno != EINTR)
            return 255;
        struct signalfd_siginfo si;
        if (read(sfd, &si, sizeof si) != (ssize_t)sizeof si || si.ssi_signo == SIGCHLD)
            continue;
        kill(pid, (int)si.ssi_signo);
    }
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    if (WIFSIGNALED(status))
        return 128 + WTERMSIG(status);
    return 255;
}

int foreground_wait_terminal(pid_t pid, const sigset_t *fwd, int master)
{
    if (master >= 0)
        terminal_proxy_start(master);
    int code = foreground_wait(pid, fwd);
    if (master >= 0) {
        terminal_proxy_stop();
        close(master);
    }
    return code;
}
