/*
 * auth.h -- accounts, logins, sessions, API tokens and who may do what.
 *
 * Passwords are hashed with argon2id (libsodium crypto_pwhash_str, 2 passes
 * over 19 MiB, OWASP's recommendation, so a login costs tens of milliseconds
 * and little memory). Session and API tokens are 256-bit random strings;
 * only their BLAKE2b hashes are stored. Failed logins are counted per
 * (login, address): after AUTH_FREE_TRIES failures each further attempt
 * waits twice as long as the one before (1 s, 2 s, 4 s ... up to 15
 * minutes), so nobody can lock the owner out from elsewhere; 20 failures
 * from one address over 15 minutes hold that address back. Disabling an
 * account, changing its password or deleting it ends its sessions, API
 * tokens and calendar secret (triggers of migration 0005: whatever path
 * made the change); re-enabling revives none of them.
 *
 * The role rules (DESIGN.md section 1) live here, in auth_can(), so that the
 * HTTP layer and any other front end ask the same question.
 */
#ifndef PLENUM_AUTH_H
#define PLENUM_AUTH_H

#include <stdint.h>

#include "service.h"

enum role { ROLE_ADMIN, ROLE_SECRETARY, ROLE_MEMBER, ROLE_REPORTER, ROLE_OBSERVER, ROLE_VIEWER, ROLE_NONE };

struct principal {
	struct user_row user;
	enum role role;
	const char *csrf;          /* session logins only: the token writes must carry */
	int via_session;
};

#define AUTH_SESSION_HOURS 12
#define AUTH_FAIL_WINDOW_MIN 15
#define AUTH_FREE_TRIES 5          /* failures of one login from one address before the back-off */
#define AUTH_BACKOFF_MAX_S (15 * 60)
#define AUTH_FAIL_PER_ADDR 20

/* Initialises libsodium (CPU features, the random source) up front; the
 * server calls it before starting threads so that no request pays for it
 * (the calls that need it also do it lazily; sodium_init() is thread-safe).
 * -1 when it cannot work (no random source). */
int auth_init(void);

enum role auth_role(const char *name);

/* Creates a user in the selected org. person_key and unit_key may be NULL;
 * a reporter needs a unit. password NULL leaves the account without one. */
int auth_user_add(struct svc *svc, const char *login, const char *role, const char *person_key,
		  const char *unit_key, const char *password, struct err *err);
int auth_user_passwd(struct svc *svc, const char *login, const char *password, struct err *err);
/* Disables the account and ends its sessions and tokens. */
int auth_user_disable(struct svc *svc, const char *login, struct err *err);
/* Makes the user an administrator of the whole installation (who may create
 * orgs over the API), or no longer one. */
int auth_user_instance_admin(struct svc *svc, const char *login, int on, struct err *err);
/* Issues an API token; *token (arena) is shown once and never stored. */
int auth_token_new(struct svc *svc, const char *login, const char *name, struct arena *a,
		   const char **token, struct err *err);

/* A new secret for the user's calendar feed (the old one stops working);
 * and the user a calendar secret belongs to (ST_UNAUTH when none). */
int auth_calendar_token(struct svc *svc, const struct principal *who, struct arena *a, const char **token,
			struct err *err);
int auth_calendar_user(struct svc *svc, const char *token, struct arena *a, struct principal *who,
		       struct err *err);

/* Checks a login and opens a session. On success *session and *csrf (arena)
 * are the cookie value and the CSRF token. Failures: ST_UNAUTH (wrong login
 * or password, disabled: one message for all, after the same argon2id
 * work), ST_THROTTLED with *retry_after the seconds to wait. Expired
 * sessions and stale throttle rows are purged on the way. */
int auth_login(struct svc *svc, const char *login, const char *password, const char *addr,
	       struct arena *a, const char **session, const char **csrf, struct principal *who,
	       int *retry_after, struct err *err);
/* The user's live API tokens (id, name, date: never the secret), and the
 * revocation of one of them (ST_NOTFOUND when it has no such live token). */
int auth_token_list(struct svc *svc, const char *login, struct arena *a, struct token_row **out, size_t *n,
		    struct err *err);
int auth_token_revoke(struct svc *svc, const char *login, int64_t token_id, struct err *err);
int auth_logout(struct svc *svc, const char *session, struct err *err);
/* Who a session cookie or a bearer token belongs to; ST_UNAUTH when nobody. */
int auth_session(struct svc *svc, const char *session, struct arena *a, struct principal *who,
		 struct err *err);
int auth_bearer(struct svc *svc, const char *token, struct arena *a, struct principal *who,
		struct err *err);

/* What a role may do. */
enum auth_action {
	CAN_READ,            /* read the org's records of this kind */
	CAN_WRITE,           /* create, change, delete records of this kind */
	CAN_SUPERVISE,       /* dispatch, close, return, decide extensions */
	CAN_REPORT,          /* acknowledge, report progress or completion, ask for extensions */
	CAN_ADMIN,           /* users, settings, the audit trail */
};
/* 1 when the principal's role allows the action on records of entity
 * (e.g. "task", "meeting"); scoping to one unit's tasks or to the meetings
 * observed is checked per record by the caller with the functions below. */
int auth_can(const struct principal *who, enum auth_action action, const char *entity);
/* 1 when a reporter's unit is the task's lead or a supporting unit (always
 * 1 for roles that are not scoped). */
int auth_task_visible(struct svc *svc, const struct principal *who, const char *lead_unit_key,
		      const char *task_key);
/* 1 when an observer attended the meeting as observer (1 for other roles). */
int auth_meeting_visible(struct svc *svc, const struct principal *who, int64_t meeting_id);

/* The scope rule for tasks, one for every list and every record: a role
 * that does not read tasks sees none, a reporter those of its unit (lead or
 * supporting), the others all. who NULL (the CLI) sees all.
 * auth_task_scope() narrows a filter (f may be NULL) into *out and returns
 * 0 when nothing can match; auth_task_in_scope() judges one task. */
int auth_task_scope(const struct principal *who, const struct task_filter *f, struct task_filter *out);
int auth_task_in_scope(struct svc *svc, const struct principal *who, const char *lead_unit_key,
		       const char *task_key);

#endif
