/* SPDX-License-Identifier: MIT */
/* Inside `syncfault gendoc`: what the man page and completion writers share. */
#ifndef SF_GENDOC_H
#define SF_GENDOC_H

struct sf_command;
/* The entry of the subcommand table named name, or NULL. */
const struct sf_command *gendoc_command(const char *name);
/* A subcommand's --help text, captured from a child (malloc'd; NULL if none). */
char *gendoc_command_help(const char *name);
/* `syncfault run BENCH --help`, captured. */
char *gendoc_bench_help(const char *bench);
/* The pages meson expects in outdir (exit status). */
int gendoc_gen_man(const char *outdir, int npages, char **pages);
/* The bash completion script into path (exit status). */
int gendoc_gen_bash(const char *path);

#endif
