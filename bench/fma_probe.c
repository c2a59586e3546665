/* Peak single-precision FMA throughput: independent accumulators, no memory traffic.
 * build: gcc -O3 -march=native -pthread fma_probe.c -o fma_probe
 * usage: fma_probe THREADS        prints: GFLOPS WIDTH_BITS (the best of 256- and 512-bit vectors)
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ACCUMULATORS 16 /* more than FMA latency x FMA ports, so the units never wait */
#define ITERATIONS 20000000L

typedef float v8 __attribute__((vector_size(32)));
typedef float v16 __attribute__((vector_size(64)));

static volatile float sink;

#define PROBE(NAME, V, LANES)                                                   \
    static void *NAME(void *arg) {                                              \
        V acc[ACCUMULATORS], a, b;                                              \
        for (int l = 0; l < LANES; l++) { a[l] = 0.999999f; b[l] = 1e-7f; }     \
        for (int k = 0; k < ACCUMULATORS; k++)                                  \
            for (int l = 0; l < LANES; l++) acc[k][l] = (float)(k + l);         \
        long n = *(long *)arg;                                                  \
        for (long i = 0; i < n; i++) {                                          \
            _Pragma("GCC unroll 16")                                            \
            for (int k = 0; k < ACCUMULATORS; k++) acc[k] = acc[k] * a + b;     \
            __asm__ volatile("" : "+x"(a));                                     \
        }                                                                       \
        float s = 0;                                                            \
        for (int k = 0; k < ACCUMULATORS; k++)                                  \
            for (int l = 0; l < LANES; l++) s += acc[k][l];                     \
        sink = s;                                                               \
        return NULL;                                                            \
    }

PROBE(probe8, v8, 8)
PROBE(probe16, v16, 16)

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return t.tv_sec + t.tv_nsec * 1e-9;
}

static double run(void *(*probe)(void *), int lanes, int threads) {
    pthread_t ids[64];
    long n = ITERATIONS;
    probe(&(long){n / 10}); /* warm up: clocks settle */
    double began = now();
    for (int t = 0; t < threads; t++) pthread_create(&ids[t], NULL, probe, &n);
    for (int t = 0; t < threads; t++) pthread_join(ids[t], NULL);
    double seconds = now() - began;
    return 2.0 * lanes * ACCUMULATORS * (double)n * threads / seconds / 1e9;
}

int main(int argc, char **argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 1;
    if (threads < 1 || threads > 64) threads = 1;
    double g8 = run(probe8, 8, threads), g16 = run(probe16, 16, threads);
    printf("%.1f %d\n", g16 > g8 ? g16 : g8, g16 > g8 ? 512 : 256);
    return 0;
}
