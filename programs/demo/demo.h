/*
 * programs/demo/demo.h - the boot demo of `kip run`: an init process that
 * starts an echo server, a client of it, a CPU-bound program and a program
 * that crashes, reports how each ended, and shuts the machine down.
 */
#ifndef KIP_PROGRAMS_DEMO_H
#define KIP_PROGRAMS_DEMO_H

#include <stdint.h>

/* Work sizes, scaled down by `kip run --small` (the memcheck smoke run). */
#define DEMO_HOG_LIMIT 300000
#define DEMO_HOG_LIMIT_SMALL 30000
#define DEMO_ECHO_ROUNDS 3

#endif
