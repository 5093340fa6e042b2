// SPDX-License-Identifier: MIT
/* syncfault gendoc bash: the completion script, its word lists made from the tables. */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "gendoc.h"
#include "sf_bench.h"
#include "sf_env.h"
#include "sf_harness.h"
#include "sf_modes.h"
#include "sf_guest_targets.h"

/* ---- bash completion ---- */

/* Every distinct "--word" of a --help text, space separated. */
static void options_of(const char *help, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (const char *p = help; p && (p = strstr(p, "--")); ) {
		char word[64];
		size_t n = 2;

		while (n < sizeof(word) - 1 && (p[n] == '-' || p[n] == '_' || (p[n] >= 'a' && p[n] <= 'z') ||
						(p[n] >= '0' && p[n] <= '9')))
			n++;
		if (n > 2 && p[2] != '-' && (p == help || p[-1] == ' ' || p[-1] == '[' ||
					     p[-1] == '\n' || p[-1] == '(' || p[-1] == '|')) {
			char probe[80];

			snprintf(word, sizeof(word), "%.*s", (int)n, p);
			while (word[strlen(word) - 1] == '-')
				word[strlen(word) - 1] = '\0';
			snprintf(probe, sizeof(probe), " %s ", word);
			if (!strstr(buf, probe) && off + strlen(word) + 2 < len)
				off += (size_t)snprintf(buf + off, len - off, "%s%s ", off ? "" : " ", word);
		}
		p += n;
	}
}

/* The lowercase words that follow "syncfault CMD " in a --help text. */
static void verbs_of(const char *help, const char *cmd, char *buf, size_t len)
{
	char lead[64];
	size_t off = 0;

	buf[0] = '\0';
	snprintf(lead, sizeof(lead), "syncfault %s ", cmd);
	for (const char *p = help; p && (p = strstr(p, lead)); ) {
		size_t n = 0;
		char word[64], probe[80];

		p += strlen(lead);
		while (n < sizeof(word) - 1 && p[n] >= 'a' && p[n] <= 'z')
			n++;
		if (n < 2 || (p[n] != ' ' && p[n] != '\n'))
			continue;
		snprintf(word, sizeof(word), "%.*s", (int)n, p);
		snprintf(probe, sizeof(probe), " %s ", word);
		if (!strstr(buf, probe) && off + n + 2 < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%s ", off ? "" : " ", word);
	}
}

/* The values of --format in report's --help: "--format a|b|c". */
static void formats_of(const char *help, char *buf, size_t len)
{
	const char *p = help ? strstr(help, "--format ") : NULL;
	size_t off = 0;

	buf[0] = '\0';
	if (!p)
		return;
	for (p += strlen("--format "); *p && *p != ' ' && *p != '\n' && *p != ']' && off + 2 < len; p++)
		buf[off++] = *p == '|' ? ' ' : *p;
	buf[off] = '\0';
}

static void sh_words(FILE *f, const struct sf_param *p)
{
	for (int i = 0; sf_param_value(p, i); i++)
		fprintf(f, "%s%s", i ? " " : "", sf_param_value(p, i));
}

/* _syncfault_options: each subcommand's options, from its --help */
static void bash_options(FILE *f)
{
	char opts[4096];

	fprintf(f, "# the options of each subcommand, from its --help\n_syncfault_options() {\n\tcase $1 in\n");
	for (const struct sf_command *c = sf_commands; c->name; c++) {
		char *help;

		if (c->hidden || (c->flags & (SF_CMD_NO_PAGE | SF_CMD_BENCHES)))
			continue;
		help = gendoc_command_help(c->name);
		options_of(help, opts, sizeof(opts));
		fprintf(f, "\t%s) echo '%s' ;;\n", c->name, opts);
		free(help);
	}
	fprintf(f, "\trun:*)\n\t\tcase ${1#run:} in\n");
	for (int i = 0; sf_benches[i]; i++) {
		char *help = gendoc_bench_help(sf_benches[i]->name);

		options_of(help, opts, sizeof(opts));
		fprintf(f, "\t\t%s) echo '%s' ;;\n", sf_benches[i]->name, opts);
		free(help);
	}
	fprintf(f, "\t\tesac ;;\n\tesac\n}\n\n");
}

/* _syncfault_values: the values of a benchmark's enumerated parameters */
static void bash_values(FILE *f)
{
	fprintf(f, "# the values of a benchmark's enumerated parameters\n_syncfault_values() {\n\tcase $1:$2 in\n");
	for (int i = 0; sf_benches[i]; i++)
		for (const struct sf_param *p = sf_benches[i]->params; p && p->name; p++)
			if (p->type == SF_PT_ENUM && sf_param_value(p, 0)) {
				fprintf(f, "\t%s:%s) echo '", sf_benches[i]->name, p->name);
				sh_words(f, p);
				fprintf(f, "' ;;\n");
			}
	fprintf(f, "\tesac\n}\n\n");
}

/* _syncfault_verbs and _syncfault_formats: words from usage lines */
static void bash_verbs(FILE *f)
{
	char opts[4096], *help;

	fprintf(f, "# the words after `syncfault CMD` in its usage lines (kernel list ...)\n_syncfault_verbs() {\n\tcase $1 in\n");
	for (const struct sf_command *c = sf_commands; c->name; c++) {
		if (c->hidden)
			continue;
		help = gendoc_command_help(c->name);
		verbs_of(help, c->name, opts, sizeof(opts));
		if (opts[0])
			fprintf(f, "\t%s) echo '%s' ;;\n", c->name, opts);
		free(help);
	}
	fprintf(f, "\tesac\n}\n\n");
	help = gendoc_command_help("report");
	formats_of(help, opts, sizeof(opts));
	fprintf(f, "# report --format, from its --help\n_syncfault_formats() {\n\techo '%s'\n}\n\n", opts);
	free(help);
}

/*
 * The completion function itself: fixed shell, fed by the word lists
 * generated above it.
 */
static const char completion_fn[] =
	"# kernel names, where this syncfault has `syncfault kernel list`\n"
	"_syncfault_kernels() {\n"
	"\tcase \" $_syncfault_commands \" in\n"
	"\t*\" kernel \"*) \"$1\" kernel list 2>/dev/null | awk 'NF && $1 !~ /^(NAME|name)$/ {print $1}' ;;\n"
	"\tesac\n"
	"}\n\n"
	"# COMPREPLY from words, for the current word cur; a comma list completes\n"
	"# its last element, and a ':' (vm:, debian:) that bash splits words at is\n"
	"# taken off again\n"
	"_syncfault_reply() {\n"
	"\tlocal words=$1 extra=$2 c=$cur pre=\"\" r\n"
	"\t[[ $c == *,* ]] && pre=${c%,*}, c=${c##*,}\n"
	"\tCOMPREPLY=()\n"
	"\tfor r in $(compgen -W \"$words\" -- \"$c\"); do COMPREPLY+=(\"$pre$r\"); done\n"
	"\tcase $extra in\n"
	"\tdirs) while IFS= read -r r; do COMPREPLY+=(\"$r\"); done < <(compgen -d -- \"$cur\") ;;\n"
	"\tfiles) while IFS= read -r r; do COMPREPLY+=(\"$r\"); done < <(compgen -f -- \"$cur\") ;;\n"
	"\tini) while IFS= read -r r; do COMPREPLY+=(\"$r\"); done < <(compgen -d -- \"$cur\"; compgen -f -X '!*.ini' -- \"$cur\") ;;\n"
	"\tesac\n"
	"\tif [[ $cur == *:* && $COMP_WORDBREAKS == *:* ]]; then\n"
	"\t\tlocal colon=${cur%:*}:\n"
	"\t\tCOMPREPLY=(\"${COMPREPLY[@]#\"$colon\"}\")\n"
	"\tfi\n"
	"}\n\n"
	"_syncfault() {\n"
	"\t# words as typed (bash would split vm:ext4-dax at the colon)\n"
	"\tlocal line=${COMP_LINE:0:COMP_POINT} cur prev cmd=\"\" verb=\"\" bench=\"\" w\n"
	"\tlocal -a words\n"
	"\tread -ra words <<<\"$line\"\n"
	"\tif [[ $line =~ [[:space:]]$ ]]; then cur=\"\"; else cur=${words[-1]}; unset 'words[-1]'; fi\n"
	"\tprev=${words[-1]}\n"
	"\tfor w in \"${words[@]:1}\"; do\n"
	"\t\tif [[ -z $cmd ]]; then [[ $w == -* ]] || cmd=$w\n"
	"\t\telif [[ -z $verb && $w != -* ]]; then verb=$w\n"
	"\t\tfi\n"
	"\tdone\n"
	"\t[[ $cmd == run ]] && bench=$verb\n"
	"\tif [[ -z $cmd ]]; then\n"
	"\t\t_syncfault_reply \"$_syncfault_commands --help --version\"; return\n"
	"\tfi\n"
	"\tcase $prev in\n"
	"\t--target) _syncfault_reply \"$_syncfault_vm_targets\" dirs; return ;;\n"
	"\t--kernel|--kernel-a|--kernel-b) _syncfault_reply \"$(_syncfault_kernels \"${words[0]}\")\" files; return ;;\n"
	"\t--json|-o) _syncfault_reply \"\" files; return ;;\n"
	"\t--modules|--resume) _syncfault_reply \"\" dirs; return ;;\n"
	"\t--timer) _syncfault_reply 'tsc clock'; return ;;\n"
	"\t--format) _syncfault_reply \"$(_syncfault_formats)\"; return ;;\n"
	"\t--mode) [[ $cmd == run ]] || { _syncfault_reply \"$_syncfault_modes\"; return; } ;;\n"
	"\tesac\n"
	"\tif [[ -n $bench && $prev == --* ]]; then\n"
	"\t\tw=$(_syncfault_values \"$bench\" \"${prev#--}\")\n"
	"\t\t[[ -n $w ]] && { _syncfault_reply \"$w\"; return; }\n"
	"\tfi\n"
	"\tcase $cmd in\n"
	"\trun)\n"
	"\t\tif [[ -z $bench ]]; then _syncfault_reply \"$_syncfault_benches --help\"\n"
	"\t\telse _syncfault_reply \"$(_syncfault_options \"run:$bench\")\"\n"
	"\t\tfi ;;\n"
	"\tsuite)\n"
	"\t\tif [[ $cur == -* ]]; then _syncfault_reply \"$(_syncfault_options suite)\"\n"
	"\t\telse _syncfault_reply \"\" ini\n"
	"\t\tfi ;;\n"
	"\tcompare|report|probe)\n"
	"\t\tif [[ $cur == -* ]]; then _syncfault_reply \"$(_syncfault_options \"$cmd\")\"\n"
	"\t\telse _syncfault_reply \"\" dirs\n"
	"\t\tfi ;;\n"
	"\t*)\n"
	"\t\tw=$(_syncfault_verbs \"$cmd\")\n"
	"\t\tif [[ -n $w && -z $verb ]]; then _syncfault_reply \"$w\"\n"
	"\t\telif [[ $cmd == kernel && $cur != -* ]]; then _syncfault_reply \"$(_syncfault_kernels \"${words[0]}\")\" files\n"
	"\t\telse _syncfault_reply \"$(_syncfault_options \"$cmd\")\"\n"
	"\t\tfi ;;\n"
	"\tesac\n"
	"}\n"
	"complete -F _syncfault syncfault\n";

int gendoc_gen_bash(const char *path)
{
	FILE *f = fopen(path, "w");

	if (!f) {
		fprintf(stderr, "syncfault gendoc: %s: %s\n", path, strerror(errno));
		return SF_EXIT_ERROR;
	}
	fprintf(f, "# bash completion for syncfault -*- shell-script -*-\n"
		   "# Generated by `syncfault gendoc bash` from the tables behind --help: do not edit.\n\n");
	fprintf(f, "_syncfault_commands='");
	for (const struct sf_command *c = sf_commands; c->name; c++)
		if (!c->hidden)
			fprintf(f, "%s ", c->name);
	fprintf(f, "'\n_syncfault_benches='");
	for (int i = 0; sf_benches[i]; i++)
		fprintf(f, "%s ", sf_benches[i]->name);
	fprintf(f, "'\n_syncfault_vm_targets='");
	for (const struct sf_guest_target *g = sf_guest_targets; g->name; g++)
		fprintf(f, "%s ", g->name);
	fprintf(f, "'\n_syncfault_modes='");
	for (const struct sf_mode *m = sf_modes; m->name; m++)
		fprintf(f, "%s ", m->name);
	fprintf(f, "'\n\n");
	bash_options(f);
	bash_values(f);
	bash_verbs(f);
	fputs(completion_fn, f);
	if (fclose(f)) {
		fprintf(stderr, "syncfault gendoc: cannot write %s\n", path);
		return SF_EXIT_ERROR;
	}
	return SF_EXIT_OK;
}
