# mmap_lock contention: latency of the lockers' operation (mmap/munmap,
# mprotect, anonymous fault) while the faulters are idle versus while they
# take faults, per mode / model / operation.  One row per case:
#   case  idle_p50  loaded_p50  idle_p99  loaded_p99   (us)
# With logy set, ymin (below the smallest bar) is where the bars start.
load gpdir."/common.gp"
if (!exists("logy")) logy = 0
set ylabel "locker operation latency (us)"
if (logy) {
	set logscale y
	set ylabel "locker operation latency (us, log scale)"
	if (exists("ymin")) { set yrange [ymin:*] }
} else {
	set yrange [0:*]
}
set style data histogram
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set xtics rotate by 20 right scale 0
eval keycmd("top left")
plot data using 2:xtic(1) title "p50 idle" lc rgb "#9ecae1", \
     '' using 3 title "p50 loaded" lc rgb "#3182bd", \
     '' using 4 title "p99 idle" lc rgb "#fdae6b", \
     '' using 5 title "p99 loaded" lc rgb "#e6550d"
