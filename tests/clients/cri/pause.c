/* The pod sandbox's process for tests/clients/cri.bats, as Kubernetes' pause:
 * it holds the pod's namespaces and does nothing else.  With
 * shareProcessNamespace it is PID 1 of the pod, so it reaps the zombies the
 * other containers leave; SIGINT/SIGTERM end it (StopPodSandbox).  Built
 * static at test time, so the sandbox image is made offline. */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

static void on_stop(int sig)
{
    (void)sig;
    _exit(0);
}

static void on_child(int sig)
{
    (void)sig;
    while (waitpid(-1, NULL, WNOHANG) > 0)
        ;
}

int main(void)
{
    struct sigaction stop = {.sa_handler = on_stop};
    struct sigaction child = {.sa_handler = on_child, .sa_flags = SA_NOCLDSTOP};
    sigaction(SIGINT, &stop, NULL);
    sigaction(SIGTERM, &stop, NULL);
    sigaction(SIGCHLD, &child, NULL);
    for (;;)
        pause();
}
