/*
 * sim/hostq.c - the host mailbox (see sim/hostq.h).
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "sim/hostq.h"

struct hostq_item {
	struct hostq_item *next;
	void (*fn)(void *arg);
	void *arg;
};

int hostq_init(struct hostq *q)
{
	q->head = q->tail = NULL;
	q->pending = 0;
	q->edges = 0;
	q->efd = eventfd(0, EFD_CLOEXEC);
	if (q->efd < 0)
		return -errno;
	pthread_mutex_init(&q->lock, NULL);
	return 0;
}

void hostq_fini(struct hostq *q)
{
	if (q->efd < 0)
		return;
	pthread_mutex_lock(&q->lock);
	struct hostq_item *it = q->head;
	q->head = q->tail = NULL;
	pthread_mutex_unlock(&q->lock);
	while (it) {
		struct hostq_item *next = it->next;
		free(it);
		it = next;
	}
	pthread_mutex_destroy(&q->lock);
	close(q->efd);
	q->efd = -1;
}

int hostq_post(struct hostq *q, void (*fn)(void *arg), void *arg)
{
	struct hostq_item *it = malloc(sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->next = NULL;
	it->fn = fn;
	it->arg = arg;
	pthread_mutex_lock(&q->lock);
	if (q->tail)
		q->tail->next = it;
	else
		q->head = it;
	q->tail = it;
	__atomic_store_n(&q->pending, 1, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&q->lock);
	uint64_t one = 1;
	ssize_t n;
	do
		n = write(q->efd, &one, sizeof(one));
	while (n < 0 && errno == EINTR);
	return 0;
}

size_t hostq_drain(struct hostq *q)
{
	pthread_mutex_lock(&q->lock);
	struct hostq_item *it = q->head;
	q->head = q->tail = NULL;
	__atomic_store_n(&q->pending, 0, __ATOMIC_RELEASE);
	pthread_mutex_unlock(&q->lock);
	size_t ran = 0;
	while (it) {
		struct hostq_item *next = it->next;
		it->fn(it->arg);
		free(it);
		it = next;
		ran++;
	}
	return ran;
}

void hostq_wait(struct hostq *q)
{
	uint64_t count;
	while (!hostq_pending(q)) {
		if (read(q->efd, &count, sizeof(count)) < 0 && errno != EINTR)
			return;
	}
}
