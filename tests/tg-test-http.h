/* tg-test-http.h — a real HTTP server on loopback for tests: scripted answers, recorded
 * requests
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _TgTestHttp TgTestHttp;

/* One request as the server read it. */
typedef struct
{
  char   *method;
  char   *target;         /* the path and query, as sent */
  char   *content_type;
  char   *user_agent;
  char   *body;
  gint64  arrived_usec;   /* g_get_monotonic_time() once the body was read */
} TgTestHttpRequest;

TgTestHttp              *tg_test_http_new          (void);
void                     tg_test_http_free         (TgTestHttp *self);
guint                    tg_test_http_get_port     (TgTestHttp *self);
char                    *tg_test_http_url          (TgTestHttp *self,
                                                    const char *target);
void                     tg_test_http_reply        (TgTestHttp *self,
                                                    guint       status,
                                                    const char *headers);
void                     tg_test_http_reply_hang   (TgTestHttp *self);
void                     tg_test_http_set_default  (TgTestHttp *self,
                                                    guint       status,
                                                    const char *headers);
guint                    tg_test_http_n_requests   (TgTestHttp *self);
void                     tg_test_http_wait_requests (TgTestHttp *self,
                                                    guint       n);
const TgTestHttpRequest *tg_test_http_get_request  (TgTestHttp *self,
                                                    guint       index);
guint                    tg_test_http_unused_port  (void);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TgTestHttp, tg_test_http_free)

G_END_DECLS
