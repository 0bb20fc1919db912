/*
 * h_auth.c -- health, the OpenAPI document, login, logout, who am I, API
 * tokens (one's own, and any user's for admins), and the user routes that
 * need a password. Who may call what is decided by the route table
 * (router.c), not here.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "http.h"
#include "../core/text.h"
#include "../io/rows.h"
#include "../domain/light.h"
#include "../domain/model.h"
#include "../domain/workflow.h"
#include "../core/banned.h"

int h_health(struct req *r)
{
	return req_json(r, 200, json_pack("{s:s}", "status", "ok"));
}

int h_openapi(struct req *r)
{
	return req_json(r, 200, http_openapi());
}

static json_t *who_json(const struct principal *who)
{
	json_t *u = json_pack("{s:s, s:s, s:s}", "login", who->user.login, "role", who->user.role, "org", who->user.org_key);

	if (who->user.unit_key)
		json_object_set_new(u, "unit", json_string(who->user.unit_key));
	if (who->user.person_key)
		json_object_set_new(u, "person", json_string(who->user.person_key));
	if (who->user.person_name)
		json_object_set_new(u, "person_name", json_string(who->user.person_name));
	if (who->user.person_name_en)
		json_object_set_new(u, "person_name_en", json_string(who->user.person_name_en));
	return u;
}

/* Login CSRF: a browser posting from another site says so in Origin (and
 * Sec-Fetch-Site); a form cannot send application/json. Clients that send
 * no Origin (scripts, curl) are not browsers posting across sites. */
static int login_request_ok(struct req *r)
{
	const char *type = req_header(r, "Content-Type");
	const char *origin = req_header(r, "Origin");
	const char *site = req_header(r, "Sec-Fetch-Site");
	const char *host = req_header(r, "Host");
	const char *p;

	if (type == NULL || strncasecmp(type, "application/json", 16) != 0 || (type[16] != '\0' && type[16] != ';'))
		return req_error(r, 415, "unsupported_media_type", "Content-Type",
				 "Content-Type: send the login as application/json");
	if (site && strcmp(site, "cross-site") == 0)
		return req_error(r, 403, "cross_origin", "Origin", "Origin: a login from another site is refused");
	if (origin == NULL)
		return 0;
	p = strstr(origin, "://");
	if (p == NULL || host == NULL || strcmp(p + 3, host) != 0 ||
	    (strncmp(origin, "http://", 7) != 0 && strncmp(origin, "https://", 8) != 0))
		return req_error(r, 403, "cross_origin", "Origin", "Origin: a login from %s to %s is refused",
				 origin, host ? host : "this server");
	return 0;
}

int h_login(struct req *r)
{
	json_t *body = NULL;
	struct err err = ERR_INIT;
	const char *session = NULL, *csrf = NULL;
	struct principal who;
	int wait = 0;

	if (login_request_ok(r) != 0 || req_body_json(r, &body) != 0)
		return 0;
	if (!rows_str(body, "login") || !rows_str(body, "password")) {
		json_decref(body);
		return req_error(r, 400, "invalid_field", rows_str(body, "login") ? "password" : "login",
				 "send {\"login\": ..., \"password\": ...}");
	}
	if (auth_login(r->svc, rows_str(body, "login"), rows_str(body, "password"), r->addr, &r->a, &session, &csrf,
		       &who, &wait, &err) != 0) {
		json_decref(body);
		req_fail(r, &err);
		if (wait)
			r->retry_after = wait;
		return 0;
	}
	json_decref(body);
	snprintf(r->cookie, sizeof(r->cookie), "plenum_session=%s; Max-Age=%d%s", session, AUTH_SESSION_HOURS * 3600,
		 http_cookie_attrs());
	r->authed = 1;
	r->who = who;
	return req_json(r, 200, json_pack("{s:o, s:s}", "user", who_json(&who), "csrf", csrf));
}

int h_logout(struct req *r)
{
	struct err err = ERR_INIT;

	if (r->session && auth_logout(r->svc, r->session, &err) != 0)
		return req_fail(r, &err);
	snprintf(r->cookie, sizeof(r->cookie), "plenum_session=; Max-Age=0%s", http_cookie_attrs());
	return req_json(r, 200, json_pack("{s:b}", "logged_out", 1));
}

/* Every enumerated field of the data dictionary ("meeting.status": [...]),
 * the task states of the workflow and the lights: the web app draws its
 * choices from these, not from copies of its own. */
static json_t *enums_json(void)
{
	json_t *o = json_object(), *states = json_array(), *lights = json_array();
	char name[128];

	for (size_t i = 0; i < model_nentities; i++) {
		const struct entity *e = &model_entities[i];

		for (size_t k = 0; k < e->nfields; k++) {
			const struct field *f = &e->fields[k];
			json_t *vals;

			if (f->type != F_ENUM || f->values == NULL)
				continue;
			vals = json_array();
			for (int v = 0; f->values[v]; v++)
				json_array_append_new(vals, json_string(f->values[v]));
			snprintf(name, sizeof(name), "%s.%s", e->name, f->name);
			json_object_set_new(o, name, vals);
		}
	}
	for (int s = 0; s < TS_COUNT; s++)
		json_array_append_new(states, json_string(workflow_state_name((enum task_state)s)));
	json_object_set_new(o, "task.state", states);
	for (int l = 0; l < LIGHT_COUNT; l++)
		json_array_append_new(lights, json_string(light_name((enum light)l)));
	json_object_set_new(o, "task.light", lights);
	return o;
}

int h_me(struct req *r)
{
	json_t *out = json_pack("{s:o}", "user", who_json(&r->who));
	const struct org_row *org = &r->svc->org;

	json_object_set_new(out, "org", json_pack("{s:s?, s:s?, s:s?, s:s?, s:i}", "key", org->key, "name", org->name,
						  "name_en", org->name_en, "timezone", org->timezone,
						  "utc_offset_minutes", org->utc_offset));
	json_object_set_new(out, "enums", enums_json());
	if (r->who.csrf)
		json_object_set_new(out, "csrf", json_string(r->who.csrf));
	return req_json(r, 200, out);
}

int h_user_create(struct req *r)
{
	json_t *body = NULL;
	struct err err = ERR_INIT;
	const char *k;
	json_t *v;
	static const char *const allowed[] = { "login", "role", "person", "unit", "password", NULL };

	if (req_body_json(r, &body) != 0)
		return 0;
	json_object_foreach(body, k, v) {
		int ok = 0;

		for (int i = 0; allowed[i]; i++)
			ok |= strcmp(allowed[i], k) == 0;
		if (!ok || !json_is_string(v)) {
			req_error(r, 400, "invalid_field", k, ok ? "%s: expected text" : "%s: unknown field", k);
			json_decref(body);
			return 0;
		}
	}
	if (auth_user_add(r->svc, rows_str(body, "login"), rows_str(body, "role"), rows_str(body, "person"),
			  rows_str(body, "unit"), rows_str(body, "password"), &err) != 0) {
		json_decref(body);
		return req_fail(r, &err);
	}
	snprintf(r->location, sizeof(r->location), "/api/v1/users/%s", rows_str(body, "login"));
	req_json(r, 201, json_pack("{s:s, s:s}", "login", rows_str(body, "login"), "role", rows_str(body, "role")));
	json_decref(body);
	return 0;
}

int h_user_password(struct req *r)
{
	json_t *body = NULL;
	struct err err = ERR_INIT;

	if (req_body_json(r, &body) != 0)
		return 0;
	if (auth_user_passwd(r->svc, r->params[0], rows_str(body, "password"), &err) != 0)
		req_fail(r, &err);
	else
		req_json(r, 200, json_pack("{s:b}", "changed", 1));
	json_decref(body);
	return 0;
}

/* ---- API tokens ---- */

static int token_list(struct req *r, const char *login)
{
	struct token_row *t;
	struct err err = ERR_INIT;
	size_t n;
	json_t *items;

	if (auth_token_list(r->svc, login, &r->a, &t, &n, &err) != 0)
		return req_fail(r, &err);
	items = json_array();
	for (size_t i = 0; i < n; i++)
		json_array_append_new(items, json_pack("{s:I, s:s, s:s}", "id", (json_int_t)t[i].id, "name", t[i].name,
						       "created_at", t[i].created_at));
	return req_json(r, 200, json_pack("{s:o}", "items", items));
}

static int token_revoke(struct req *r, const char *login, const char *id_text)
{
	struct err err = ERR_INIT;
	long long id;

	if (parse_int(id_text, 1, INT64_MAX, &id, "id", &err) != 0 || auth_token_revoke(r->svc, login, id, &err) != 0) {
		if (err.code == ST_INVALID)
			err.code = ST_NOTFOUND;
		return req_fail(r, &err);
	}
	return req_json(r, 200, json_pack("{s:I, s:b}", "id", (json_int_t)id, "revoked", 1));
}

int h_my_tokens(struct req *r)
{
	return token_list(r, r->who.user.login);
}

int h_my_token_revoke(struct req *r)
{
	return token_revoke(r, r->who.user.login, r->params[0]);
}

int h_user_tokens(struct req *r)
{
	return token_list(r, r->params[0]);
}

int h_user_token_revoke(struct req *r)
{
	return token_revoke(r, r->params[0], r->params[1]);
}
