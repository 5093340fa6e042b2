/*
 * The benchmark registry: one line per benchmark.  Included twice by
 * registry.c, once to declare the descriptors and once to list them.
 */
SF_BENCH(fault)
SF_BENCH(flush)
SF_BENCH(sync)
SF_BENCH(contention)
SF_BENCH(skeleton)
