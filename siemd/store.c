/*
 * The store process: the only writer of the database.
 */

#include <sys/types.h>

#include <libgen.h>
#include <sqlite3.h>
#include <stdlib.h>
#include <string.h>

#include "siemd.h"
#include "child.h"

struct store {
	sqlite3		*db;
	char		*dbfile;	/* relative to the jail */
};

static json_t	*store_counters(void *);
static void	 store_open(struct store *);
static void	 store_stop(void *);

static json_t *
store_counters(void *arg)
{
	return (json_object());
}

static void
store_open(struct store *st)
{
	char	*err = NULL;

	if (sqlite3_open_v2(st->dbfile, &st->db, SQLITE_OPEN_READWRITE |
	    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL) != SQLITE_OK)
		fatalx("%s: %s", st->dbfile, sqlite3_errmsg(st->db));
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
	sqlite3_db_config(st->db, SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION, 0,
	    NULL);
	if (sqlite3_exec(st->db, "PRAGMA journal_mode=WAL;"
	    "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER);",
	    NULL, NULL, &err) != SQLITE_OK)
		fatalx("%s: %s", st->dbfile, err);
}

static void
store_stop(void *arg)
{
	struct store	*st = arg;

	if (st->db != NULL)
		sqlite3_close(st->db);
	st->db = NULL;
}

__dead void
store(struct proc_ctx *ctx)
{
	static struct child	 c;
	static struct store	 st;
	const char		*db;
	char			*copy;

	child_setup(ctx, &c);
	c.counters = store_counters;
	c.stop = store_stop;
	c.arg = &st;
	db = child_conf_str(&c, "database", SIEMD_DATABASE);
	if ((copy = strdup(db)) == NULL ||
	    (st.dbfile = strdup(basename(copy))) == NULL)
		fatal("%s: strdup", __func__);
	free(copy);
	child_seal(&c, child_dbdir(&c));
	store_open(&st);
	child_run(&c);
}
