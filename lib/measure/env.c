// SPDX-License-Identifier: MIT
/* The environment record of every result. */
#include <dirent.h>
#include <hwloc.h>
#include <numa.h>
#include <stdio.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "sf_clock.h"
#include "sf_cpu.h"
#include "sf_env.h"
#include "sf_util.h"

const char *sf_hypervisor(void)
{
	static char name[64];
	char v[16], emu[32];

	if (name[0])
		return name;
	if (!sf_cmdline_value("syncfault.emulated", emu, sizeof(emu))) {
		snprintf(name, sizeof(name), "%s", emu);
		return name;
	}
	sf_cpu_hv_vendor(v);
	if (!sf_cpu()->hypervisor)
		snprintf(name, sizeof(name), "none");
	else if (!strcmp(v, "KVMKVMKVM"))
		snprintf(name, sizeof(name), "kvm");
	else if (!strcmp(v, "TCGTCGTCGTCG"))
		snprintf(name, sizeof(name), "qemu-tcg");
	else if (!strncmp(v, "Microsoft Hv", 12))
		snprintf(name, sizeof(name), "hyperv");
	else if (!strcmp(v, "VMwareVMware"))
		snprintf(name, sizeof(name), "vmware");
	else if (!strncmp(v, "bhyve bhyve", 11))
		snprintf(name, sizeof(name), "bhyve");
	else
		snprintf(name, sizeof(name), "unknown (cpuid '%s')", v);
	return name;
}

static hwloc_topology_t topo(void)
{
	static hwloc_topology_t t;

	if (!t) {
		hwloc_topology_init(&t);
		hwloc_topology_load(t);
	}
	return t;
}

int sf_ncores(void)
{
	int n = hwloc_get_nbobjs_by_type(topo(), HWLOC_OBJ_PU);

	return n > 0 ? n : (int)sysconf(_SC_NPROCESSORS_ONLN);
}

int sf_nnodes(void)
{
	if (numa_available() < 0)
		return 1;
	return numa_num_configured_nodes();
}

static json_object *mitigations(void)
{
	const char *dir = "/sys/devices/system/cpu/vulnerabilities";
	json_object *o = json_object_new_object();
	DIR *d = opendir(dir);
	struct dirent *e;
	char path[512], v[256];

	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		if (!sf_read_line(path, v, sizeof(v)))
			json_object_object_add(o, e->d_name, json_object_new_string(v));
	}
	if (d)
		closedir(d);
	return o;
}

static json_object *cpu_json(void)
{
	json_object *o = json_object_new_object(), *fl = json_object_new_object();
	char model[256];

	if (sf_read_keyed("/proc/cpuinfo", "model name", model, sizeof(model)))
		snprintf(model, sizeof(model), "unknown");
	json_object_object_add(o, "model", json_object_new_string(model));
#define FLAG(f) json_object_object_add(fl, #f, json_object_new_boolean(sf_cpu()->f));
	SF_CPU_FLAGS(FLAG)
#undef FLAG
	json_object_object_add(o, "flags", fl);
	return o;
}

static json_object *str_or_null(const char *path)
{
	char v[512];

	if (sf_read_line(path, v, sizeof(v)))
		return NULL;
	return json_object_new_string(v);
}

static json_object *timer_json(void)
{
	json_object *o = json_object_new_object();

	json_object_object_add(o, "source", json_object_new_string(sf_clock_source_name()));
	json_object_object_add(o, "overhead_ns", json_object_new_double(sf_clock.overhead_ns));
	json_object_object_add(o, "overhead_ticks", json_object_new_double(sf_clock.overhead_ticks));
	json_object_object_add(o, "tsc_hz", json_object_new_double(sf_clock.tsc_hz));
	json_object_object_add(o, "resolution_ns", json_object_new_double(sf_clock.resolution_ns));
	return o;
}

/* "some avg10=0.12 ... total=N\nfull avg10=..." of /proc/pressure/NAME: the avg10s */
static void pressure(json_object *o, const char *name)
{
	char path[64], text[512], key[40];
	double some, full;
	const char *f;

	snprintf(path, sizeof(path), "/proc/pressure/%s", name);
	if (sf_read_file(path, text, sizeof(text)) < 0 ||
	    sscanf(text, "some avg10=%lf", &some) != 1)
		return;
	snprintf(key, sizeof(key), "%s_some_avg10_pct", name);
	json_object_object_add(o, key, json_object_new_double(some));
	f = strstr(text, "full avg10=");
	if (f && sscanf(f, "full avg10=%lf", &full) == 1) {
		snprintf(key, sizeof(key), "%s_full_avg10_pct", name);
		json_object_object_add(o, key, json_object_new_double(full));
	}
}

json_object *sf_load_json(void)
{
	json_object *o = json_object_new_object(), *avg = json_object_new_array();
	double l[3];
	int running, tasks;
	char text[128];

	if (sf_read_line("/proc/loadavg", text, sizeof(text)) == 0 &&
	    sscanf(text, "%lf %lf %lf %d/%d", &l[0], &l[1], &l[2], &running, &tasks) == 5) {
		for (int i = 0; i < 3; i++)
			json_object_array_add(avg, json_object_new_double(l[i]));
		json_object_object_add(o, "loadavg", avg);
		json_object_object_add(o, "runnable", json_object_new_int(running));
		json_object_object_add(o, "tasks", json_object_new_int(tasks));
	} else {
		json_object_put(avg);
	}
	pressure(o, "cpu");
	pressure(o, "memory");
	pressure(o, "io");
	return o;
}

json_object *sf_env_json(void)
{
	json_object *o = json_object_new_object();
	struct utsname u;
	char cmd[4096];

	uname(&u);
	json_object_object_add(o, "kernel", json_object_new_string(u.release));
	json_object_object_add(o, "kernel_version", json_object_new_string(u.version));
	if (sf_read_line("/proc/cmdline", cmd, sizeof(cmd)))
		cmd[0] = 0;
	json_object_object_add(o, "cmdline", json_object_new_string(cmd));
	json_object_object_add(o, "machine", json_object_new_string(u.machine));
	json_object_object_add(o, "hostname", json_object_new_string(u.nodename));
	json_object_object_add(o, "cpu", cpu_json());
	json_object_object_add(o, "hypervisor", json_object_new_string(sf_hypervisor()));
	json_object_object_add(o, "mitigations", mitigations());
	json_object_object_add(o, "thp", str_or_null("/sys/kernel/mm/transparent_hugepage/enabled"));
	json_object_object_add(o, "thp_shmem", str_or_null("/sys/kernel/mm/transparent_hugepage/shmem_enabled"));
	json_object_object_add(o, "governor",
		str_or_null("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor"));
	json_object_object_add(o, "clocksource",
		str_or_null("/sys/devices/system/clocksource/clocksource0/current_clocksource"));
	json_object_object_add(o, "cores", json_object_new_int(sf_ncores()));
	json_object_object_add(o, "numa_nodes", json_object_new_int(sf_nnodes()));
	json_object_object_add(o, "timer", timer_json());
	json_object_object_add(o, "load", sf_load_json());
	json_object_object_add(o, "syncfault_version", json_object_new_string(SF_VERSION_STRING));
	return o;
}
