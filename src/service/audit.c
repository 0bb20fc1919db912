/*
 * audit.c -- the hash-chained audit trail, its row images and its signed
 * checkpoints (see audit.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>

#include "audit.h"
#include "service.h"
#include "../core/buf.h"
#include "../core/limits.h"
#include "../core/xalloc.h"
#include "../core/banned.h"

#define HASH_BYTES 32
#define HASH_HEX (HASH_BYTES * 2 + 1)
#define IMAGE_BYTES 16
#define CHECKPOINT_LINE 512

/* ---- hashing ---- */

static void hash_part(crypto_generichash_state *h, const char *s)
{
	s = s ? s : "";
	crypto_generichash_update(h, (const unsigned char *)s, strlen(s) + 1);
}

static void hash_hex(crypto_generichash_state *h, char out[HASH_HEX])
{
	unsigned char digest[HASH_BYTES];

	crypto_generichash_final(h, digest, HASH_BYTES);
	sodium_bin2hex(out, HASH_HEX, digest, HASH_BYTES);
}

/* BLAKE2b-256 over the fields, each followed by a NUL so that no two
 * different entries hash the same text. Entries older than migration 0005
 * have no changes hash and hash as they always did. */
static void entry_hash(const struct audit_row *r, char out[HASH_HEX])
{
	crypto_generichash_state h;
	char id[32];

	snprintf(id, sizeof(id), "%" PRId64, r->row_id);
	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	hash_part(&h, r->prev_hash);
	hash_part(&h, r->at);
	hash_part(&h, r->actor);
	hash_part(&h, r->action);
	hash_part(&h, r->entity);
	hash_part(&h, id);
	hash_part(&h, r->before);
	hash_part(&h, r->after);
	if (r->changes_hash)
		hash_part(&h, r->changes_hash);
	hash_hex(&h, out);
}

static void change_hash(crypto_generichash_state *h, const struct audit_change *c)
{
	hash_part(h, c->tbl);
	hash_part(h, c->row_key);
	hash_part(h, c->old_key);
	hash_part(h, c->op);
	hash_part(h, c->before);
	hash_part(h, c->after);
}

struct changes_ctx {
	crypto_generichash_state h;
	int64_t n;
};

static int hash_change(void *ctx, const struct audit_change *c)
{
	struct changes_ctx *cc = ctx;

	change_hash(&cc->h, c);
	cc->n++;
	return 0;
}

int audit_append(struct svc *svc, const char *action, const char *entity, int64_t row_id,
		 const char *before, const char *after, struct err *err)
{
	char prev[HASH_HEX + 64], hash[HASH_HEX], changes[HASH_HEX], at[32];
	struct changes_ctx cc;
	struct audit_row r;

	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	/* The last hash and the pending changes in one query, the entry and
	 * its seal in one statement: the org's writers wait on the lock while
	 * this runs (two round trips on PostgreSQL, not four). */
	crypto_generichash_init(&cc.h, NULL, 0, HASH_BYTES);
	cc.n = 0;
	if (store_audit_pending(svc->st, svc->org.id, prev, sizeof(prev), hash_change, &cc, err) < 0)
		return -1;
	/* A new chain starts from a random nonce, so that no two chains of an
	 * org (one replaced by an import, the next) ever share a first hash. */
	if (prev[0] == '\0') {
		unsigned char nonce[16];

		randombytes_buf(nonce, sizeof(nonce));
		memcpy(prev, "genesis:", 8);
		sodium_bin2hex(prev + 8, sizeof(prev) - 8, nonce, sizeof(nonce));
	}
	hash_hex(&cc.h, changes);
	memset(&r, 0, sizeof(r));
	r.org_id = svc->org.id;
	r.at = svc_now(at);
	r.actor = svc->actor;
	r.action = action;
	r.entity = entity;
	r.row_id = row_id;
	r.before = before;
	r.after = after;
	r.prev_hash = prev;
	r.changes_hash = changes;
	r.nchanges = cc.n;
	entry_hash(&r, hash);
	r.hash = hash;
	return store_audit_insert_sealed(svc->st, &r, NULL, err);
}

/* ---- the latest image of every row, as the chain tells it ---- */

struct image_slot {
	char *key;                     /* "table\x1frow_key"; NULL: empty */
	unsigned char digest[IMAGE_BYTES];
	int64_t entry;                 /* the entry that sealed it */
	int dead;                      /* deleted: a tombstone */
};

struct image_map {
	struct image_slot *slots;
	size_t cap, used;              /* used counts tombstones too */
};

static uint64_t key_hash(const char *k)
{
	uint64_t h = 1469598103934665603ull;

	for (; *k; k++)
		h = (h ^ (unsigned char)*k) * 1099511628211ull;
	return h;
}

static void map_release(struct image_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		free(m->slots[i].key);
	free(m->slots);
	memset(m, 0, sizeof(*m));
}

static struct image_slot *map_find(struct image_map *m, const char *key, int create);

static void map_grow(struct image_map *m)
{
	struct image_map bigger = { NULL, m->cap ? m->cap * 2 : 1024, 0 };

	bigger.slots = xcalloc(bigger.cap, sizeof(*bigger.slots));
	for (size_t i = 0; i < m->cap; i++) {
		struct image_slot *s = &m->slots[i], *d;

		if (s->key == NULL)
			continue;
		if (s->dead) {
			free(s->key);
			continue;
		}
		d = map_find(&bigger, s->key, 1);
		free(d->key);
		*d = *s;
	}
	free(m->slots);
	*m = bigger;
}

/* The slot of key; with create, a new live slot when absent. NULL when
 * absent (or dead) and not creating. */
static struct image_slot *map_find(struct image_map *m, const char *key, int create)
{
	size_t i;

	if (create && (m->used + 1) * 2 > m->cap)
		map_grow(m);
	if (m->cap == 0)
		return NULL;
	for (i = key_hash(key) & (m->cap - 1);; i = (i + 1) & (m->cap - 1)) {
		struct image_slot *s = &m->slots[i];

		if (s->key == NULL) {
			if (!create)
				return NULL;
			s->key = xstrdup(key);
			s->dead = 0;
			m->used++;
			return s;
		}
		if (strcmp(s->key, key) == 0) {
			if (s->dead && !create)
				return NULL;
			s->dead = 0;
			return s;
		}
	}
}

static void image_digest(const char *image, unsigned char out[IMAGE_BYTES])
{
	crypto_generichash(out, IMAGE_BYTES, (const unsigned char *)(image ? image : ""), image ? strlen(image) : 0,
			   NULL, 0);
}

static void map_key(char *out, size_t size, const char *tbl, const char *row_key)
{
	snprintf(out, size, "%s\x1f%s", tbl, row_key ? row_key : "");
}

/* ---- checkpoints ---- */

static void sibling_path(struct svc *svc, const char *env, const char *suffix, char *out, size_t size)
{
	const char *p = getenv(env);

	if (p && *p)
		snprintf(out, size, "%s", p);
	else if (svc->db_path && strstr(svc->db_path, "://"))
		snprintf(out, size, "plenum%s", suffix);   /* a database URL: the working directory */
	else
		snprintf(out, size, "%s%s", svc->db_path ? svc->db_path : "plenum.db", suffix);
}

/* The signing key is the deployment's, not the file's: $PLENUM_AUDIT_KEY,
 * else `.plenum-audit-key` in the database's directory, so that a backup
 * restored or a database renamed beside it keeps verifying (for a database
 * URL, which has no directory, in the working directory). */
static void key_path(struct svc *svc, char *out, size_t size)
{
	const char *p = getenv("PLENUM_AUDIT_KEY"), *db = svc->db_path ? svc->db_path : "plenum.db";
	const char *slash = strstr(db, "://") ? NULL : strrchr(db, '/');

	if (p && *p)
		snprintf(out, size, "%s", p);
	else if (slash)
		snprintf(out, size, "%.*s/.plenum-audit-key", (int)(slash - db), db);
	else
		snprintf(out, size, ".plenum-audit-key");
}

/* Reads (or with create, makes) the signing key: 32 random bytes kept as
 * hex in a 0600 file. */
static int load_key(struct svc *svc, int create, unsigned char pk[crypto_sign_PUBLICKEYBYTES],
		    unsigned char sk[crypto_sign_SECRETKEYBYTES], struct err *err)
{
	char path[1024], hex[2 * crypto_sign_SEEDBYTES + 2];
	unsigned char seed[crypto_sign_SEEDBYTES];
	ssize_t n;
	int fd;

	key_path(svc, path, sizeof(path));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 && errno == ENOENT && create) {
		randombytes_buf(seed, sizeof(seed));
		sodium_bin2hex(hex, sizeof(hex), seed, sizeof(seed));
		fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
		if (fd >= 0) {
			hex[2 * crypto_sign_SEEDBYTES] = '\n';
			if (write(fd, hex, 2 * crypto_sign_SEEDBYTES + 1) != 2 * crypto_sign_SEEDBYTES + 1 || fsync(fd) != 0) {
				close(fd);
				unlink(path);
				return err_set(err, ST_FAIL, "cannot write the audit key %s: %s", path, strerror(errno));
			}
			close(fd);
		}
		fd = open(path, O_RDONLY | O_CLOEXEC);
	}
	if (fd < 0)
		return err_set(err, errno == ENOENT ? ST_NOTFOUND : ST_FAIL, "cannot read the audit key %s: %s", path,
			       strerror(errno));
	n = read(fd, hex, sizeof(hex) - 1);
	close(fd);
	if (n < 2 * crypto_sign_SEEDBYTES ||
	    sodium_hex2bin(seed, sizeof(seed), hex, 2 * crypto_sign_SEEDBYTES, NULL, NULL, NULL) != 0)
		return err_set(err, ST_FAIL, "the audit key %s is not 64 hexadecimal digits", path);
	crypto_sign_seed_keypair(pk, sk, seed);
	sodium_memzero(seed, sizeof(seed));
	return 0;
}

struct head {
	int64_t entries;
	char genesis[HASH_HEX + 64];   /* the first entry's hash: which chain this is */
	char hash[HASH_HEX + 64];
};

static int count_entry(void *ctx, const struct audit_row *r)
{
	struct head *h = ctx;

	if (h->entries++ == 0)
		snprintf(h->genesis, sizeof(h->genesis), "%s", r->hash);
	snprintf(h->hash, sizeof(h->hash), "%s", r->hash);
	return 0;
}

/* Signs the head of the chain of org (id, key) and appends the line; state
 * is "open", or "ended" when the chain is about to go with its org. */
static int checkpoint_org(struct svc *svc, int64_t org_id, const char *org_key, const char *state, char *line,
			  size_t size, struct err *err)
{
	unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	unsigned char sig[crypto_sign_BYTES];
	char msg[CHECKPOINT_LINE], out[CHECKPOINT_LINE + 2 * crypto_sign_BYTES + 8];
	char pkhex[2 * crypto_sign_PUBLICKEYBYTES + 1], sighex[2 * crypto_sign_BYTES + 1], at[32], path[1024];
	struct head h = { 0, "", "" };
	int fd, n;

	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	if (store_audit_scan(svc->st, org_id, 0, 0, count_entry, &h, err) < 0)
		return -1;
	if (h.entries == 0)
		return err_set(err, ST_INVALID, "org %s has no audit entries to checkpoint yet", org_key);
	if (load_key(svc, 1, pk, sk, err) != 0)
		return -1;
	sodium_bin2hex(pkhex, sizeof(pkhex), pk, sizeof(pk));
	n = snprintf(msg, sizeof(msg), "plenum-checkpoint 1 %s %s %" PRId64 " %s %s %s %s", org_key, h.genesis,
		     h.entries, h.hash, svc_now(at), state, pkhex);
	if (n < 0 || (size_t)n >= sizeof(msg)) {
		sodium_memzero(sk, sizeof(sk));
		return err_set(err, ST_FAIL, "checkpoint line too long");
	}
	crypto_sign_detached(sig, NULL, (const unsigned char *)msg, (size_t)n, sk);
	sodium_memzero(sk, sizeof(sk));
	sodium_bin2hex(sighex, sizeof(sighex), sig, sizeof(sig));
	n = snprintf(out, sizeof(out), "%s %s\n", msg, sighex);
	sibling_path(svc, "PLENUM_CHECKPOINTS", ".checkpoints", path, sizeof(path));
	fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
	if (fd < 0)
		return err_set(err, ST_FAIL, "cannot open the checkpoint file %s: %s", path, strerror(errno));
	if (write(fd, out, (size_t)n) != n || fdatasync(fd) != 0) {
		close(fd);
		return err_set(err, ST_FAIL, "cannot write the checkpoint file %s: %s", path, strerror(errno));
	}
	close(fd);
	if (line)
		snprintf(line, size, "%.*s", n - 1, out);
	return 0;
}

int audit_checkpoint(struct svc *svc, char *line, size_t size, struct err *err)
{
	if (!svc->has_org)
		return err_set(err, ST_INVALID, "no org selected");
	return checkpoint_org(svc, svc->org.id, svc->org.key, "open", line, size, err);
}

int audit_checkpoint_end(struct svc *svc, int64_t org_id, const char *org_key, struct err *err)
{
	struct err local = ERR_INIT;

	if (checkpoint_org(svc, org_id, org_key, "ended", NULL, 0, &local) == 0 || local.code == ST_INVALID)
		return 0;                 /* ended, or nothing to end */
	if (err)
		*err = local;
	return -1;
}

static _Atomic int64_t g_last_checkpoint;

void audit_checkpoint_maybe(struct svc *svc)
{
	const char *env = getenv("PLENUM_CHECKPOINT_SECONDS");
	int64_t every = env && *env ? strtoll(env, NULL, 10) : 10, now = (int64_t)time(NULL);
	int64_t last = atomic_load(&g_last_checkpoint);
	struct err err = ERR_INIT;

	if (every < 0 || (last && now - last < every))
		return;
	/* No file beside an in-memory database or a server URL. */
	if (svc->db_path == NULL || strcmp(svc->db_path, ":memory:") == 0 || strstr(svc->db_path, "://"))
		return;
	if (!atomic_compare_exchange_strong(&g_last_checkpoint, &last, now))
		return;                   /* another thread writes this one */
	if (audit_checkpoint(svc, NULL, 0, &err) != 0)
		fprintf(stderr, "plenum: audit checkpoint: %s\n", err.msg);
}

struct checkpoint {
	int64_t entries;
	char genesis[160], hash[160];
	char at[64];
	int ended;
};

/* Reads the signed checkpoints of org_key from path into *cps. A missing
 * file is an error only when required. */
static int read_checkpoints(struct svc *svc, const char *path, int required, struct checkpoint **cps, size_t *n,
			    struct audit_report *out, struct err *err)
{
	unsigned char trusted[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
	int have_trusted = load_key(svc, 0, trusted, sk, NULL) == 0;
	char line[CHECKPOINT_LINE + 2 * crypto_sign_BYTES + 8];
	FILE *f = fopen(path, "r");
	size_t cap = 0;
	long lineno = 0;

	sodium_memzero(sk, sizeof(sk));
	*cps = NULL;
	*n = 0;
	if (f == NULL)
		return required || errno != ENOENT
			       ? err_set(err, ST_INVALID, "cannot read the checkpoint file %s: %s", path, strerror(errno))
			       : 0;
	while (fgets(line, sizeof(line), f)) {
		char org[256], genesis[160], hash[160], at[64], state[16], pkhex[160], sighex[260];
		size_t len;
		unsigned char pk[crypto_sign_PUBLICKEYBYTES], sig[crypto_sign_BYTES];
		long long entries;
		char *sp;
		int version;

		lineno++;
		len = strcspn(line, "\n");
		line[len] = '\0';
		if (len == 0)
			continue;
		if (sscanf(line, "plenum-checkpoint %d %255s %159s %lld %159s %63s %15s %159s %259s", &version, org, genesis,
			   &entries, hash, at, state, pkhex, sighex) != 9 || version != 1 ||
		    sodium_hex2bin(pk, sizeof(pk), pkhex, strlen(pkhex), NULL, NULL, NULL) != 0 ||
		    sodium_hex2bin(sig, sizeof(sig), sighex, strlen(sighex), NULL, NULL, NULL) != 0 ||
		    (sp = strrchr(line, ' ')) == NULL) {
			fclose(f);
			free(*cps);
			return err_set(err, ST_INVALID, "%s, line %ld: not a plenum checkpoint", path, lineno);
		}
		if (strcmp(org, svc->org.key) != 0)
			continue;
		if (crypto_sign_verify_detached(sig, (const unsigned char *)line, (size_t)(sp - line), pk) != 0 ||
		    (have_trusted && memcmp(pk, trusted, sizeof(pk)) != 0)) {
			snprintf(out->problem, sizeof(out->problem),
				 "%.300s, line %ld: the checkpoint's signature does not verify with the audit key: "
				 "the checkpoint file was altered", path, lineno);
			continue;
		}
		if (*n == cap) {
			cap = cap ? cap * 2 : 16;
			*cps = xreallocarray(*cps, cap, sizeof(**cps));
		}
		(*cps)[*n].entries = entries;
		(*cps)[*n].ended = strcmp(state, "ended") == 0;
		snprintf((*cps)[*n].genesis, sizeof((*cps)[*n].genesis), "%s", genesis);
		snprintf((*cps)[*n].hash, sizeof((*cps)[*n].hash), "%s", hash);
		snprintf((*cps)[*n].at, sizeof((*cps)[*n].at), "%s", at);
		(*n)++;
	}
	fclose(f);
	return 0;
}

/* ---- verification ---- */

struct verify_ctx {
	struct svc *svc;
	struct audit_report *out;
	char prev[HASH_HEX + 64];
	struct image_map map;
	struct checkpoint *cps;
	size_t ncps;
	struct changes_ctx cc;
	int64_t entry;
	char genesis[HASH_HEX + 64];
	int bad;
	struct err *err;
};

static int bad(struct verify_ctx *v, int64_t entry, const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int bad(struct verify_ctx *v, int64_t entry, const char *fmt, ...)
{
	va_list ap;

	if (v->out->problem[0] == '\0') {
		va_start(ap, fmt);
		vsnprintf(v->out->problem, sizeof(v->out->problem), fmt, ap);
		va_end(ap);
		v->out->first_bad_id = entry;
	}
	v->bad = 1;
	return 1;
}

static int apply_change(void *ctx, const struct audit_change *c)
{
	struct verify_ctx *v = ctx;
	char key[512];
	struct image_slot *s;

	change_hash(&v->cc.h, c);
	v->cc.n++;
	if (c->old_key) {
		map_key(key, sizeof(key), c->tbl, c->old_key);
		s = map_find(&v->map, key, 0);
		if (s)
			s->dead = 1;
	}
	map_key(key, sizeof(key), c->tbl, c->row_key);
	if (strcmp(c->op, "delete") == 0) {
		s = map_find(&v->map, key, 0);
		if (s)
			s->dead = 1;
		return 0;
	}
	s = map_find(&v->map, key, 1);
	image_digest(c->after, s->digest);
	s->entry = v->entry;
	return 0;
}

static void clear_map(struct image_map *m)
{
	for (size_t i = 0; i < m->cap; i++)
		if (m->slots[i].key)
			m->slots[i].dead = 1;
}

/* 1 when plenum ended the chain checkpoint i was signed on: an "ended"
 * checkpoint of the same first entry, as long or longer, signed at or after
 * it (the file is appended to in order). Re-importing an org's own export
 * with replace gives a chain that begins like the one it replaces and then
 * differs at the import's entry; the old chain's checkpoints are not the
 * new one's. */
static int ended_later(const struct verify_ctx *v, size_t i)
{
	for (size_t j = i; j < v->ncps; j++)
		if (v->cps[j].ended && strcmp(v->cps[j].genesis, v->cps[i].genesis) == 0 &&
		    v->cps[j].entries >= v->cps[i].entries)
			return 1;
	return 0;
}

static int verify_entry(void *ctx, const struct audit_row *r)
{
	struct verify_ctx *v = ctx;
	char hash[HASH_HEX], changes[HASH_HEX];
	int64_t seq = ++v->out->entries;

	v->entry = r->id;
	if (seq == 1 ? r->prev_hash[0] != '\0' && strncmp(r->prev_hash, "genesis:", 8) != 0
		     : strcmp(r->prev_hash, v->prev) != 0)
		return bad(v, r->id, "entry %" PRId64 " (#%" PRId64 ", %s %s by %s) does not follow the entry before it: "
			   "an entry was removed or inserted there", r->id, seq, r->action, r->entity, r->actor);
	entry_hash(r, hash);
	if (strcmp(hash, r->hash) != 0)
		return bad(v, r->id, "entry %" PRId64 " (#%" PRId64 ", %s %s by %s at %s) was altered: its content no "
			   "longer matches its hash", r->id, seq, r->action, r->entity, r->actor, r->at);
	/* An import starts the record afresh: later images are compared, the
	 * carried-over history only hashed. */
	if (strcmp(r->action, "import") == 0)
		clear_map(&v->map);
	crypto_generichash_init(&v->cc.h, NULL, 0, HASH_BYTES);
	v->cc.n = 0;
	if (store_audit_changes(v->svc->st, v->svc->org.id, r->id, apply_change, v, v->err) < 0)
		return -1;
	hash_hex(&v->cc.h, changes);
	if (r->changes_hash ? strcmp(changes, r->changes_hash) != 0 || v->cc.n != r->nchanges : v->cc.n != 0)
		return bad(v, r->id, "entry %" PRId64 " (#%" PRId64 ", %s %s by %s at %s): the row changes it sealed were "
			   "altered, added or removed", r->id, seq, r->action, r->entity, r->actor, r->at);
	if (seq == 1)
		snprintf(v->genesis, sizeof(v->genesis), "%s", r->hash);
	for (size_t i = 0; i < v->ncps; i++) {
		if (v->cps[i].entries != seq || strcmp(v->cps[i].genesis, v->genesis) != 0)
			continue;
		if (strcmp(v->cps[i].hash, r->hash) != 0 && ended_later(v, i))
			continue;              /* signed on a chain replaced since, which began the same way */
		v->out->checkpoints++;
		if (strcmp(v->cps[i].hash, r->hash) != 0)
			return bad(v, r->id, "entry %" PRId64 " (#%" PRId64 ", %s %s by %s at %s) is not the entry signed in "
				   "the checkpoint of %s: the chain was rewritten up to this entry and re-hashed",
				   r->id, seq, r->action, r->entity, r->actor, r->at, v->cps[i].at);
	}
	snprintf(v->prev, sizeof(v->prev), "%s", r->hash);
	return 0;
}

/* Checkpoints of another chain of this org are those of a chain replaced
 * (an import --replace) or deleted with its org; plenum signs an "ended"
 * checkpoint when it does that. A chain that vanished without one was
 * replaced outside plenum. */
static void check_foreign_chains(struct verify_ctx *v)
{
	for (size_t i = 0; !v->bad && i < v->ncps; i++) {
		int ended = 0;

		if (strcmp(v->cps[i].genesis, v->genesis) == 0)
			continue;
		for (size_t j = 0; j < v->ncps; j++)
			if (v->cps[j].ended && strcmp(v->cps[j].genesis, v->cps[i].genesis) == 0 &&
			    v->cps[j].entries >= v->cps[i].entries)
				ended = 1;
		if (!ended)
			bad(v, 0, "the checkpoint of %s signed a chain of %" PRId64 " entries that this database no longer "
			    "has and that plenum never ended: the org's chain was replaced or rewritten from its first "
			    "entry outside plenum", v->cps[i].at, v->cps[i].entries);
	}
}

static int unsealed(void *ctx, const struct audit_change *c)
{
	struct verify_ctx *v = ctx;

	return bad(v, 0, "a change to %s %s (%s) was made outside plenum: no audit entry seals it", c->tbl, c->row_key,
		   c->op);
}

static int compare_row(void *ctx, const char *tbl, const char *row_key, const char *image)
{
	struct verify_ctx *v = ctx;
	unsigned char digest[IMAGE_BYTES];
	char key[512];
	struct image_slot *s;

	v->out->rows++;
	map_key(key, sizeof(key), tbl, row_key);
	s = map_find(&v->map, key, 0);
	if (s == NULL)
		return bad(v, 0, "%s %s is in the database but in no audit entry: it was added outside plenum", tbl, row_key);
	image_digest(image, digest);
	if (memcmp(digest, s->digest, IMAGE_BYTES) != 0)
		return bad(v, s->entry, "%s %s differs from the image sealed by entry %" PRId64 ": it was changed outside "
			   "plenum", tbl, row_key, s->entry);
	s->dead = 2;                   /* seen */
	return 0;
}

int audit_verify(struct svc *svc, const char *checkpoints, struct audit_report *out, struct err *err)
{
	struct verify_ctx v;
	char path[1024];
	int rc = -1;

	memset(out, 0, sizeof(*out));
	memset(&v, 0, sizeof(v));
	v.svc = svc;
	v.out = out;
	v.err = err;
	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	if (checkpoints)
		snprintf(path, sizeof(path), "%s", checkpoints);
	else
		sibling_path(svc, "PLENUM_CHECKPOINTS", ".checkpoints", path, sizeof(path));
	if (read_checkpoints(svc, path, checkpoints != NULL, &v.cps, &v.ncps, out, err) != 0)
		goto out;
	if (out->problem[0])
		v.bad = 1;
	if (!v.bad && store_audit_scan(svc->st, svc->org.id, 0, 0, verify_entry, &v, err) < 0)
		goto out;
	if (!v.bad)
		check_foreign_chains(&v);
	for (size_t i = 0; !v.bad && i < v.ncps; i++)
		if (v.cps[i].entries > out->entries && strcmp(v.cps[i].genesis, v.genesis) == 0)
			bad(&v, 0, "the chain ends at entry #%" PRId64 ", but the checkpoint of %s signed entry #%" PRId64
			    ": the newest entries were removed", out->entries, v.cps[i].at, v.cps[i].entries);
	if (!v.bad && store_audit_changes(svc->st, svc->org.id, 0, unsealed, &v, err) < 0)
		goto out;
	if (!v.bad && store_audit_images(svc->st, svc->org.id, compare_row, &v, err) < 0)
		goto out;
	for (size_t i = 0; !v.bad && i < v.map.cap; i++) {
		struct image_slot *s = &v.map.slots[i];

		char name[512], *sep;

		if (s->key == NULL || s->dead)
			continue;
		snprintf(name, sizeof(name), "%s", s->key);
		sep = strchr(name, '\x1f');
		if (sep)
			*sep = ' ';
		bad(&v, s->entry, "%s was sealed by entry %" PRId64 " but is no longer in the database: it was "
		    "deleted outside plenum", name, s->entry);
	}
	rc = 0;
out:
	map_release(&v.map);
	free(v.cps);
	return rc;
}

/* ---- chains carried by export and import ---- */

int audit_entry_check(const struct audit_row *r, const struct audit_change *changes, size_t n, const char *prev,
		      char *problem, size_t size)
{
	crypto_generichash_state h;
	char hash[HASH_HEX], ch[HASH_HEX];

	if (sodium_init() < 0)
		return snprintf(problem, size, "libsodium cannot start"), -1;
	if (prev == NULL ? r->prev_hash[0] != '\0' && strncmp(r->prev_hash, "genesis:", 8) != 0
			 : strcmp(r->prev_hash, prev) != 0) {
		snprintf(problem, size, "does not follow the entry before it: an entry was removed or inserted there");
		return -1;
	}
	crypto_generichash_init(&h, NULL, 0, HASH_BYTES);
	for (size_t i = 0; i < n; i++)
		change_hash(&h, &changes[i]);
	hash_hex(&h, ch);
	if (r->changes_hash ? strcmp(ch, r->changes_hash) != 0 || (int64_t)n != r->nchanges : n != 0) {
		snprintf(problem, size, "the row changes it sealed were altered, added or removed");
		return -1;
	}
	entry_hash(r, hash);
	if (strcmp(hash, r->hash) != 0) {
		snprintf(problem, size, "was altered: its content no longer matches its hash");
		return -1;
	}
	return 0;
}

int audit_carry(struct svc *svc, const struct audit_row *r, const struct audit_change *changes, size_t n,
		struct err *err)
{
	struct audit_row copy = *r;
	int64_t id = 0;

	copy.org_id = svc->org.id;
	if (store_audit_insert(svc->st, &copy, &id, err) != 0)
		return -1;
	for (size_t i = 0; i < n; i++)
		if (store_audit_change_insert(svc->st, svc->org.id, id, &changes[i], err) != 0)
			return -1;
	return 0;
}
