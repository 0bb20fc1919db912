/*
 * auth.c -- accounts, sessions, tokens and role rules (see auth.h).
 */
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "auth.h"
#include "audit.h"
#include "tx.h"
#include "../core/date.h"
#include "../core/limits.h"
#include "../core/text.h"
#include "../domain/model.h"
#include "../core/banned.h"

#define PW_OPS 2
#define PW_MEM (19u * 1024 * 1024)
#define TOKEN_BYTES 32

static const char *const role_names[] = { "admin", "secretary", "member", "reporter", "observer", "viewer" };

enum role auth_role(const char *name)
{
	for (int i = 0; i < ROLE_NONE; i++)
		if (name && strcmp(role_names[i], name) == 0)
			return (enum role)i;
	return ROLE_NONE;
}

static int sodium_ready(struct err *err)
{
	if (sodium_init() < 0)
		return err_set(err, ST_FAIL, "libsodium cannot start");
	return 0;
}

int auth_init(void)
{
	return sodium_ready(NULL);
}

static void hash_token(const char *token, char out[65])
{
	unsigned char d[32];

	crypto_generichash(d, sizeof(d), (const unsigned char *)token, strlen(token), NULL, 0);
	sodium_bin2hex(out, 65, d, sizeof(d));
}

static const char *new_token(struct arena *a, const char *prefix)
{
	unsigned char raw[TOKEN_BYTES];
	char b64[sodium_base64_ENCODED_LEN(TOKEN_BYTES, sodium_base64_VARIANT_URLSAFE_NO_PADDING)];

	randombytes_buf(raw, sizeof(raw));
	sodium_bin2base64(b64, sizeof(b64), raw, sizeof(raw), sodium_base64_VARIANT_URLSAFE_NO_PADDING);
	return arena_printf(a, "%s%s", prefix, b64);
}

static int check_password(const char *pw, struct err *err)
{
	size_t n;

	if (pw == NULL)
		return 0;
	n = strlen(pw);
	if (!text_utf8_valid(pw, n))
		return err_field(err, ST_INVALID, "password", "password: not valid UTF-8");
	if (text_utf8_chars(pw) < 8)
		return err_field(err, ST_INVALID, "password", "password: use at least 8 characters");
	if (n > 1024)
		return err_field(err, ST_INVALID, "password", "password: longer than 1024 bytes");
	return 0;
}

static int hash_password(const char *pw, char out[crypto_pwhash_STRBYTES], struct err *err)
{
	if (crypto_pwhash_str(out, pw, strlen(pw), PW_OPS, PW_MEM) != 0)
		return err_set(err, ST_FAIL, "cannot hash the password: out of memory");
	return 0;
}

int auth_user_add(struct svc *svc, const char *login, const char *role, const char *person_key,
		  const char *unit_key, const char *password, struct err *err)
{
	const struct entity *e = model_entity("user");
	struct value vals[16];
	char hash[crypto_pwhash_STRBYTES] = "";
	int64_t person_id = 0, unit_id = 0, id = 0;
	char after[512];
	int rc;

	if (sodium_ready(err) != 0)
		return -1;
	if (login == NULL || strlen(login) == 0 || strlen(login) > LIM_KEY_CHARS || strspn(login,
	    "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.@") != strlen(login))
		return err_field(err, ST_INVALID, "login", "login: 1 to %d letters, digits or - _ . @", LIM_KEY_CHARS);
	if (auth_role(role) == ROLE_NONE)
		return err_field(err, ST_INVALID, "role", "role: expected admin, secretary, member, reporter, observer or viewer");
	if (auth_role(role) == ROLE_REPORTER && unit_key == NULL)
		return err_field(err, ST_INVALID, "unit", "unit: required for a reporter");
	if (check_password(password, err) != 0)
		return -1;
	if (person_key && store_key_id(svc->st, model_entity("person"), svc->org.id, person_key, &person_id, err))
		return -1;
	if (unit_key && store_key_id(svc->st, model_entity("unit"), svc->org.id, unit_key, &unit_id, err))
		return -1;
	if (password && hash_password(password, hash, err) != 0)
		return -1;
	memset(vals, 0, sizeof(vals));
	for (size_t i = 0; i < e->nfields; i++) {
		const char *n = e->fields[i].name;

		if (strcmp(n, "login") == 0)
			vals[i] = (struct value){ V_TEXT, 0, 0, login };
		else if (strcmp(n, "role") == 0)
			vals[i] = (struct value){ V_TEXT, 0, 0, role };
		else if (strcmp(n, "person") == 0 && person_id)
			vals[i] = (struct value){ V_INT, person_id, 0, NULL };
		else if (strcmp(n, "unit") == 0 && unit_id)
			vals[i] = (struct value){ V_INT, unit_id, 0, NULL };
		else if (strcmp(n, "password_hash") == 0 && password)
			vals[i] = (struct value){ V_TEXT, 0, 0, hash };
		else if (strcmp(n, "disabled") == 0)
			vals[i] = (struct value){ V_INT, 0, 0, NULL };
	}
	snprintf(after, sizeof(after), "{\"login\":\"%s\",\"role\":\"%s\"}", login, role);
	if (svc_tx_begin(svc, err) != 0)
		return -1;
	rc = store_row_insert(svc->st, e, svc->org.id, 0, vals, &id, err);
	if (rc != 0 && err && err->code == ST_CONFLICT)
		err_field(err, ST_CONFLICT, "login", "login \"%s\" is taken", login);
	return svc_tx_end(svc, rc, "create", "user", rc == 0 ? id : 0, NULL, after, err);
}

static int find_user(struct svc *svc, const char *login, struct arena *a, struct user_row *u, struct err *err)
{
	if (store_user_by_login(svc->st, login, a, u, NULL) != 0 || u->org_id != svc->org.id)
		return err_field(err, ST_NOTFOUND, "login", "no user \"%s\"", login);
	return 0;
}

int auth_user_passwd(struct svc *svc, const char *login, const char *password, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct user_row u;
	char hash[crypto_pwhash_STRBYTES];
	int rc = -1;

	if (password == NULL) {
		err_field(err, ST_INVALID, "password", "password: required, at least 8 characters");
		goto out;
	}
	if (sodium_ready(err) || check_password(password, err) || find_user(svc, login, &a, &u, err) ||
	    hash_password(password, hash, err))
		goto out;
	if (svc_tx_begin(svc, err) != 0)
		goto out;
	rc = store_user_set_password(svc->st, u.id, hash, err);
	if (rc == 0)
		rc = store_user_logout_all(svc->st, u.id, err);
	rc = svc_tx_end(svc, rc, "passwd", "user", u.id, NULL, NULL, err);
out:
	arena_release(&a);
	return rc;
}

int auth_user_disable(struct svc *svc, const char *login, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct user_row u;
	int rc = -1;

	if (find_user(svc, login, &a, &u, err) != 0 || svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		goto out;
	rc = store_user_set_disabled(svc->st, u.id, 1, err) || store_user_logout_all(svc->st, u.id, err) ||
	     audit_append(svc, "disable", "user", u.id, NULL, NULL, err) ? -1 : 0;
	rc = svc_tx_plain_end(svc, rc, err);
out:
	arena_release(&a);
	return rc;
}

int auth_user_instance_admin(struct svc *svc, const char *login, int on, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct user_row u;
	int rc = -1;

	if (find_user(svc, login, &a, &u, err) != 0 || svc_tx_begin(svc, err) != 0)
		goto out;
	rc = store_user_set_instance_admin(svc->st, u.id, on, err);
	rc = svc_tx_end(svc, rc, on ? "grant_instance_admin" : "revoke_instance_admin", "user", u.id, NULL, NULL, err);
out:
	arena_release(&a);
	return rc;
}

int auth_token_new(struct svc *svc, const char *login, const char *name, struct arena *a,
		   const char **token, struct err *err)
{
	struct user_row u;
	char hash[65], now[32];

	if (sodium_ready(err) != 0 || find_user(svc, login, a, &u, err) != 0)
		return -1;
	if (u.disabled)
		return err_field(err, ST_CONFLICT, "login", "user \"%s\" is disabled", login);
	*token = new_token(a, "plm_");
	hash_token(*token, hash);
	if (svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		return -1;
	return svc_tx_plain_end(svc, store_token_insert(svc->st, u.org_id, u.id, name ? name : "cli", hash, svc_now(now), err) ||
				       audit_append(svc, "token", "user", u.id, NULL, NULL, err) ? -1 : 0, err);
}

static void fill(struct principal *who, const struct user_row *u, const char *csrf, int via_session);

int auth_calendar_token(struct svc *svc, const struct principal *who, struct arena *a, const char **token,
			struct err *err)
{
	char hash[65], now[32];

	if (sodium_ready(err) != 0)
		return -1;
	*token = new_token(a, "cal_");
	hash_token(*token, hash);
	if (svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		return -1;
	return svc_tx_plain_end(svc, store_calendar_token_set(svc->st, who->user.org_id, who->user.id, hash, svc_now(now), err) ||
				       audit_append(svc, "calendar_token", "user", who->user.id, NULL, NULL, err) ? -1 : 0, err);
}

int auth_calendar_user(struct svc *svc, const char *token, struct arena *a, struct principal *who,
		       struct err *err)
{
	struct user_row u;
	char hash[65];

	if (sodium_ready(err) != 0)
		return -1;
	hash_token(token, hash);
	if (store_user_by_calendar_token(svc->st, hash, a, &u, NULL) != 0 || u.disabled)
		return err_set(err, ST_NOTFOUND, "no such calendar");
	fill(who, &u, NULL, 0);
	return 0;
}

static void fill(struct principal *who, const struct user_row *u, const char *csrf, int via_session)
{
	who->user = *u;
	who->role = auth_role(u->role);
	who->csrf = csrf;
	who->via_session = via_session;
}

/* What an unknown, disabled or password-less login is checked against, so
 * that it costs the same argon2id work as a wrong password: the hash of a
 * random password nobody knows, with the same parameters (PW_OPS, PW_MEM). */
static const char dummy_hash[crypto_pwhash_STRBYTES] =
	"$argon2id$v=19$m=19456,t=2,p=1$n40zlgPbwPBvg6/p7B5PcA$hweB+FhT1y3IaAYaHZKPs2hQYKHlfmybV/TWACpe7Pg";

/* The wait in milliseconds after n failures of one login from one address. */
static int64_t backoff_ms(int failures)
{
	int64_t wait = 1000;

	if (failures < AUTH_FREE_TRIES)
		return 0;
	for (int i = AUTH_FREE_TRIES; i < failures && wait < AUTH_BACKOFF_MAX_S * 1000; i++)
		wait *= 2;
	return wait < AUTH_BACKOFF_MAX_S * 1000 ? wait : AUTH_BACKOFF_MAX_S * 1000;
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* Takes one attempt for (login, addr) in one write transaction, counted as
 * a failure until the password proves right: concurrent attempts cannot
 * all pass the check before any of them is counted. */
static int take_attempt(struct svc *svc, const char *login, const char *addr, int *wait_s, int *failures,
			struct err *err)
{
	char now[32], since[32];
	int from_addr = 0;
	int64_t ms = now_ms(), next = 0;

	*wait_s = 0;
	datetime_format_utc(ms / 1000, now);
	datetime_format_utc(ms / 1000 - AUTH_FAIL_WINDOW_MIN * 60, since);
	/* The throttle is the installation's: its own lock (-1), not org 0's,
	 * which an import of a new org holds while it runs. */
	if (svc_tx_plain_begin(svc, -1, err) != 0)
		return -1;
	if (store_auth_purge(svc->st, now, ms, since, err) ||
	    store_throttle_get(svc->st, login, addr, failures, &next, err) ||
	    store_throttle_addr_failures(svc->st, addr, since, &from_addr, err))
		goto fail;
	if (next > ms) {
		*wait_s = (int)((next - ms + 999) / 1000);
	} else if (from_addr >= AUTH_FAIL_PER_ADDR) {
		*wait_s = AUTH_FAIL_WINDOW_MIN * 60;
	} else {
		(*failures)++;
		if (store_throttle_set(svc->st, login, addr, *failures, ms + backoff_ms(*failures), now, err))
			goto fail;
	}
	if (svc_tx_plain_end(svc, 0, err) != 0)
		return -1;
	if (*wait_s)
		return err_set(err, ST_THROTTLED, "too many failed logins: try again in %d seconds", *wait_s);
	return 0;
fail:
	svc_tx_plain_end(svc, -1, NULL);
	return -1;
}

int auth_login(struct svc *svc, const char *login, const char *password, const char *addr,
	       struct arena *a, const char **session, const char **csrf, struct principal *who,
	       int *retry_after, struct err *err)
{
	struct user_row u;
	char now[32], expires[32], hash[65];
	unsigned char raw[16];
	char csrf_hex[33];
	int known, ok, failures = 0;

	*retry_after = 0;
	if (sodium_ready(err) != 0)
		return -1;
	if (login == NULL || password == NULL || strlen(login) > LIM_KEY_CHARS || strlen(password) > 1024)
		return err_set(err, ST_UNAUTH, "wrong login or password");
	if (take_attempt(svc, login, addr, retry_after, &failures, err) != 0)
		return -1;
	/* The same argon2id work whether or not the login exists. */
	known = store_user_by_login(svc->st, login, a, &u, NULL) == 0 && !u.disabled && u.password_hash;
	ok = crypto_pwhash_str_verify(known ? u.password_hash : dummy_hash, password, strlen(password)) == 0 && known;
	if (!ok) {
		/* The wait runs from the answer, not from the start of the check. */
		if (store_throttle_hold(svc->st, login, addr, now_ms() + backoff_ms(failures), err) != 0)
			return -1;
		return err_set(err, ST_UNAUTH, "wrong login or password");
	}
	svc_now(now);
	*session = new_token(a, "");
	hash_token(*session, hash);
	randombytes_buf(raw, sizeof(raw));
	sodium_bin2hex(csrf_hex, sizeof(csrf_hex), raw, sizeof(raw));
	*csrf = arena_strdup(a, csrf_hex);
	datetime_format_utc(datetime_now() + AUTH_SESSION_HOURS * 3600, expires);
	if (svc_tx_plain_begin(svc, -1, err) != 0)
		return -1;
	if (svc_tx_plain_end(svc, store_session_insert(svc->st, u.org_id, u.id, hash, *csrf, now, expires, err) ||
				       store_throttle_clear(svc->st, login, addr, err) ? -1 : 0, err) != 0)
		return -1;
	fill(who, &u, *csrf, 1);
	return 0;
}

int auth_token_list(struct svc *svc, const char *login, struct arena *a, struct token_row **out, size_t *n,
		    struct err *err)
{
	struct user_row u;

	if (find_user(svc, login, a, &u, err) != 0)
		return -1;
	return store_token_list(svc->st, u.id, a, out, n, err);
}

int auth_token_revoke(struct svc *svc, const char *login, int64_t token_id, struct err *err)
{
	struct arena a = ARENA_INIT;
	struct user_row u;
	int rc = -1;

	if (find_user(svc, login, &a, &u, err) != 0 || svc_tx_plain_begin(svc, svc->org.id, err) != 0)
		goto out;
	rc = store_token_revoke(svc->st, u.id, token_id, err) ||
	     audit_append(svc, "revoke_token", "user", u.id, NULL, NULL, err) ? -1 : 0;
	rc = svc_tx_plain_end(svc, rc, err);
out:
	arena_release(&a);
	return rc;
}

int auth_logout(struct svc *svc, const char *session, struct err *err)
{
	char hash[65];

	if (sodium_ready(err) != 0)
		return -1;
	hash_token(session, hash);
	return store_session_delete(svc->st, hash, err);
}

int auth_session(struct svc *svc, const char *session, struct arena *a, struct principal *who,
		 struct err *err)
{
	struct user_row u;
	const char *csrf = NULL;
	char hash[65], now[32];

	if (sodium_ready(err) != 0)
		return -1;
	hash_token(session, hash);
	if (store_user_by_session(svc->st, hash, svc_now(now), a, &u, &csrf, NULL) != 0 || u.disabled)
		return err_set(err, ST_UNAUTH, "the session has ended: log in again");
	fill(who, &u, csrf, 1);
	return 0;
}

int auth_bearer(struct svc *svc, const char *token, struct arena *a, struct principal *who,
		struct err *err)
{
	struct user_row u;
	char hash[65];

	if (sodium_ready(err) != 0)
		return -1;
	hash_token(token, hash);
	if (store_user_by_token(svc->st, hash, a, &u, NULL) != 0 || u.disabled)
		return err_set(err, ST_UNAUTH, "the API token is not valid");
	fill(who, &u, NULL, 0);
	return 0;
}

int auth_can(const struct principal *who, enum auth_action action, const char *entity)
{
	int admin_only = strcmp(entity, "user") == 0 || strcmp(entity, "audit") == 0 ||
			 strcmp(entity, "setting") == 0;

	switch (who->role) {
	case ROLE_ADMIN:
		return 1;
	case ROLE_SECRETARY:
		if (action == CAN_ADMIN)
			return 0;
		if (strcmp(entity, "setting") == 0)
			return action == CAN_READ;
		return !admin_only;
	case ROLE_MEMBER:
	case ROLE_VIEWER:
		return action == CAN_READ && (!admin_only || strcmp(entity, "setting") == 0);
	case ROLE_REPORTER:
		if (action == CAN_REPORT)
			return strcmp(entity, "task") == 0;
		return action == CAN_READ &&
		       (strcmp(entity, "task") == 0 || strcmp(entity, "unit") == 0 || strcmp(entity, "person") == 0 ||
			strcmp(entity, "post") == 0 || strcmp(entity, "initiative") == 0 || strcmp(entity, "report") == 0 ||
			strcmp(entity, "transition") == 0 || strcmp(entity, "extension") == 0 ||
			strcmp(entity, "search") == 0);
	case ROLE_OBSERVER:
		if (action == CAN_WRITE)
			return strcmp(entity, "feedback") == 0;     /* on meetings observed: the caller checks */
		return action == CAN_READ &&
		       (strcmp(entity, "meeting") == 0 || strcmp(entity, "unit") == 0 || strcmp(entity, "person") == 0 ||
			strcmp(entity, "material") == 0 || strcmp(entity, "attendance") == 0 ||
			strcmp(entity, "meeting_unit") == 0 || strcmp(entity, "speech") == 0 ||
			strcmp(entity, "decision") == 0 || strcmp(entity, "feedback") == 0 ||
			strcmp(entity, "post") == 0 || strcmp(entity, "host") == 0 || strcmp(entity, "session") == 0 ||
			strcmp(entity, "search") == 0);
	default:
		return 0;
	}
}

int auth_task_visible(struct svc *svc, const struct principal *who, const char *lead_unit_key,
		      const char *task_key)
{
	if (who->role != ROLE_REPORTER)
		return 1;
	if (who->user.unit_key == NULL)
		return 0;
	if (lead_unit_key && strcmp(lead_unit_key, who->user.unit_key) == 0)
		return 1;
	return store_task_involves(svc->st, svc->org.id, task_key, who->user.unit_key) == 1;
}

int auth_meeting_visible(struct svc *svc, const struct principal *who, int64_t meeting_id)
{
	if (who->role != ROLE_OBSERVER)
		return 1;
	return who->user.person_id && store_observed(svc->st, meeting_id, who->user.person_id) == 1;
}

int auth_task_scope(const struct principal *who, const struct task_filter *f, struct task_filter *out)
{
	if (f)
		*out = *f;
	else
		memset(out, 0, sizeof(*out));
	if (who == NULL)
		return 1;
	if (!auth_can(who, CAN_READ, "task"))
		return 0;
	if (who->role != ROLE_REPORTER)
		return 1;
	if (who->user.unit_key == NULL || (out->unit_key && strcmp(out->unit_key, who->user.unit_key) != 0))
		return 0;
	out->unit_key = who->user.unit_key;
	return 1;
}

int auth_task_in_scope(struct svc *svc, const struct principal *who, const char *lead_unit_key,
		       const char *task_key)
{
	if (who == NULL)
		return 1;
	return auth_can(who, CAN_READ, "task") && auth_task_visible(svc, who, lead_unit_key, task_key);
}
