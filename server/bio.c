/* bio — a FIFO job queue served by one background thread; see bio.h. */
#include "bio.h"

#include "log.h"
#include "mem.h"

#include <pthread.h>
#include <signal.h>
#include <stdlib.h>

struct bio_job {
    struct bio_job *next;
    bio_fn *fn;
    void *arg1, *arg2;
};

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t work_cond = PTHREAD_COND_INITIALIZER;
static pthread_cond_t idle_cond = PTHREAD_COND_INITIALIZER;
static struct bio_job *head, *tail;
static size_t pending;

static void *bio_worker(void *unused)
{
    (void)unused;
    /* Signals belong to the main thread's loop. */
    sigset_t all;
    sigfillset(&all);
    pthread_sigmask(SIG_BLOCK, &all, NULL);
    pthread_mutex_lock(&lock);
    for (;;) {
        while (!head)
            pthread_cond_wait(&work_cond, &lock);
        struct bio_job *job = head;
        head = job->next;
        if (!head)
            tail = NULL;
        pthread_mutex_unlock(&lock);
        job->fn(job->arg1, job->arg2);
        mem_free(job);
        pthread_mutex_lock(&lock);
        if (--pending == 0)
            pthread_cond_broadcast(&idle_cond);
    }
    return NULL;
}

void bio_init(void)
{
    pthread_t tid;
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
    if (pthread_create(&tid, &attr, bio_worker, NULL) != 0) {
        log_warning("Fatal: can't initialize the background job thread.");
        exit(1);
    }
    pthread_attr_destroy(&attr);
}

void bio_submit(bio_fn *fn, void *arg1, void *arg2)
{
    struct bio_job *job = mem_malloc(sizeof *job);
    job->next = NULL;
    job->fn = fn;
    job->arg1 = arg1;
    job->arg2 = arg2;
    pthread_mutex_lock(&lock);
    if (tail)
        tail->next = job;
    else
        head = job;
    tail = job;
    pending++;
    pthread_cond_signal(&work_cond);
    pthread_mutex_unlock(&lock);
}

size_t bio_pending(void)
{
    pthread_mutex_lock(&lock);
    size_t n = pending;
    pthread_mutex_unlock(&lock);
    return n;
}

void bio_drain(void)
{
    pthread_mutex_lock(&lock);
    while (pending)
        pthread_cond_wait(&idle_cond, &lock);
    pthread_mutex_unlock(&lock);
}
