/* tg-test-http.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* An HTTP/1.1 server on 127.0.0.1 (a port the system picks) for tests of HTTP clients
 * (the webhook): each connection is one request, answered with the next scripted reply
 * (a status and headers, or none at all: a server that hangs) and closed. It runs on a
 * thread and main context of its own, so a test may block in the client under test on
 * its own thread. It reads only what the clients under test send — a request line,
 * headers, a body of Content-Length bytes — and records each request.
 */

#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tg-test-http.h"

/* How long a waiting test gives up after, and how long the server waits for a client
 * to send its request.
 */
#define WAIT_SECONDS      120
#define READ_TIMEOUT_S    30
#define MAX_BODY          (1024 * 1024)

typedef struct
{
  guint    status;
  char    *headers;
  gboolean hang;
} Reply;

struct _TgTestHttp
{
  GThread          *thread;
  GMainContext     *context;
  GMainLoop        *loop;
  GSocketService   *service;

  GMutex            lock;
  GCond             cond;
  guint             port;
  gboolean          ready;
  GQueue            replies;        /* Reply, in order */
  Reply             fallback;
  GPtrArray        *requests;       /* TgTestHttpRequest */
  GPtrArray        *held;           /* connections left unanswered */
};

static void
reply_free (Reply *reply)
{
  g_free (reply->headers);
  g_free (reply);
}

static void
request_free (TgTestHttpRequest *request)
{
  g_free (request->method);
  g_free (request->target);
  g_free (request->content_type);
  g_free (request->user_agent);
  g_free (request->body);
  g_free (request);
}

static const char *
reason_phrase (guint status)
{
  switch (status)
    {
    case 200: return "OK";
    case 204: return "No Content";
    case 302: return "Found";
    case 400: return "Bad Request";
    case 403: return "Forbidden";
    case 404: return "Not Found";
    case 429: return "Too Many Requests";
    case 500: return "Internal Server Error";
    case 502: return "Bad Gateway";
    case 503: return "Service Unavailable";
    default: return "Status";
    }
}

/* Reads one request; NULL when the client sent none (or garbage). */
static TgTestHttpRequest *
read_request (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *line = NULL;
  g_auto(GStrv) parts = NULL;
  TgTestHttpRequest *request;
  gsize content_length = 0;

  line = g_data_input_stream_read_line (in, NULL, NULL, &error);
  if (line == NULL)
    return NULL;
  parts = g_strsplit (line, " ", 3);
  if (g_strv_length (parts) != 3)
    return NULL;

  request = g_new0 (TgTestHttpRequest, 1);
  request->method = g_strdup (parts[0]);
  request->target = g_strdup (parts[1]);

  for (;;)
    {
      g_autofree char *header = g_data_input_stream_read_line (in, NULL, NULL, &error);
      const char *colon;
      g_autofree char *name = NULL;
      const char *value;

      if (header == NULL)
        {
          request_free (request);
          return NULL;
        }
      if (*header == '\0')
        break;

      colon = strchr (header, ':');
      if (colon == NULL)
        continue;
      name = g_ascii_strdown (header, colon - header);
      for (value = colon + 1; *value == ' ' || *value == '\t'; value++)
        ;
      if (g_str_equal (name, "content-length"))
        content_length = MIN ((gsize)g_ascii_strtoull (value, NULL, 10), MAX_BODY);
      else if (g_str_equal (name, "content-type"))
        request->content_type = g_strdup (value);
      else if (g_str_equal (name, "user-agent"))
        request->user_agent = g_strdup (value);
    }

  request->body = g_malloc0 (content_length + 1);
  if (content_length > 0 &&
      !g_input_stream_read_all (G_INPUT_STREAM (in), request->body, content_length, NULL, NULL,
                                &error))
    {
      request_free (request);
      return NULL;
    }
  request->arrived_usec = g_get_monotonic_time ();

  return request;
}

static gboolean
on_incoming (GSocketService    *service,
             GSocketConnection *connection,
             GObject           *source_object,
             gpointer           user_data)
{
  TgTestHttp *self = user_data;
  g_autoptr(GDataInputStream) in = NULL;
  g_autoptr(GString) answer = NULL;
  TgTestHttpRequest *request;
  Reply *reply;
  Reply fallback;
  const char *text = "answered by tg-test-http\n";

  g_socket_set_timeout (g_socket_connection_get_socket (connection), READ_TIMEOUT_S);
  in = g_data_input_stream_new (g_io_stream_get_input_stream (G_IO_STREAM (connection)));
  g_filter_input_stream_set_close_base_stream (G_FILTER_INPUT_STREAM (in), FALSE);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_CR_LF);

  request = read_request (in);
  if (request == NULL)
    return TRUE;

  g_mutex_lock (&self->lock);
  g_ptr_array_add (self->requests, request);
  reply = g_queue_pop_head (&self->replies);
  fallback = self->fallback;
  fallback.headers = g_strdup (self->fallback.headers);
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  if (reply == NULL)
    reply = g_memdup2 (&fallback, sizeof fallback);
  else
    g_free (fallback.headers);

  if (reply->hang)
    {
      /* Kept open and unanswered until the server goes. */
      g_ptr_array_add (self->held, g_object_ref (connection));
      reply_free (reply);
      return TRUE;
    }

  answer = g_string_new (NULL);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\n", reply->status, reason_phrase (reply->status));
  g_string_append (answer, "Content-Type: text/plain\r\n");
  g_string_append_printf (answer, "Content-Length: %zu\r\n", strlen (text));
  g_string_append (answer, "Connection: close\r\n");
  if (reply->headers != NULL)
    g_string_append (answer, reply->headers);
  g_string_append (answer, "\r\n");
  g_string_append (answer, text);

  g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (connection)),
                             answer->str, answer->len, NULL, NULL, NULL);
  g_io_stream_close (G_IO_STREAM (connection), NULL, NULL);
  reply_free (reply);

  return TRUE;
}

static gpointer
serve (gpointer data)
{
  TgTestHttp *self = data;
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;

  g_main_context_push_thread_default (self->context);

  self->service = g_socket_service_new ();
  if (!g_socket_listener_add_address (G_SOCKET_LISTENER (self->service), address,
                                      G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL,
                                      &effective, &error))
    g_error ("The test HTTP server could not listen on 127.0.0.1: %s", error->message);
  g_signal_connect (self->service, "incoming", G_CALLBACK (on_incoming), self);
  g_socket_service_start (self->service);

  g_mutex_lock (&self->lock);
  self->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  self->ready = TRUE;
  g_cond_broadcast (&self->cond);
  g_mutex_unlock (&self->lock);

  g_main_loop_run (self->loop);

  g_socket_service_stop (self->service);
  g_socket_listener_close (G_SOCKET_LISTENER (self->service));
  g_clear_object (&self->service);
  for (guint i = 0; i < self->held->len; i++)
    g_io_stream_close (self->held->pdata[i], NULL, NULL);
  g_ptr_array_set_size (self->held, 0);

  /* Whatever the stopped service left to its context. */
  while (g_main_context_iteration (self->context, FALSE))
    ;
  g_main_context_pop_thread_default (self->context);

  return NULL;
}

/**
 * tg_test_http_new:
 *
 * Returns: (transfer full): a server listening on 127.0.0.1, answering 200 to every
 *   request until told otherwise
 */
TgTestHttp *
tg_test_http_new (void)
{
  TgTestHttp *self = g_new0 (TgTestHttp, 1);

  g_mutex_init (&self->lock);
  g_cond_init (&self->cond);
  g_queue_init (&self->replies);
  self->fallback.status = 200;
  self->requests = g_ptr_array_new_with_free_func ((GDestroyNotify)request_free);
  self->held = g_ptr_array_new_with_free_func (g_object_unref);
  self->context = g_main_context_new ();
  self->loop = g_main_loop_new (self->context, FALSE);
  self->thread = g_thread_new ("test-http", serve, self);

  g_mutex_lock (&self->lock);
  while (!self->ready)
    g_cond_wait (&self->cond, &self->lock);
  g_mutex_unlock (&self->lock);

  return self;
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

void
tg_test_http_free (TgTestHttp *self)
{
  GSource *source;

  if (self == NULL)
    return;

  source = g_idle_source_new ();
  g_source_set_callback (source, quit_loop, self->loop, NULL);
  g_source_attach (source, self->context);
  g_source_unref (source);
  g_thread_join (self->thread);

  g_main_loop_unref (self->loop);
  g_main_context_unref (self->context);
  g_queue_clear_full (&self->replies, (GDestroyNotify)reply_free);
  g_free (self->fallback.headers);
  g_ptr_array_unref (self->requests);
  g_ptr_array_unref (self->held);
  g_mutex_clear (&self->lock);
  g_cond_clear (&self->cond);
  g_free (self);
}

guint
tg_test_http_get_port (TgTestHttp *self)
{
  return self->port;
}

/**
 * tg_test_http_url:
 * @target: the path (and query) of the URL, beginning with "/"
 *
 * Returns: (transfer full): "http://127.0.0.1:PORT" and @target
 */
char *
tg_test_http_url (TgTestHttp *self,
                  const char *target)
{
  return g_strdup_printf ("http://127.0.0.1:%u%s", self->port, target);
}

/* Queues the answer to the next request that has none yet. @headers: lines, each ending
 * in "\r\n", or NULL.
 */
void
tg_test_http_reply (TgTestHttp *self,
                    guint       status,
                    const char *headers)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->status = status;
  reply->headers = g_strdup (headers);
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->replies, reply);
  g_mutex_unlock (&self->lock);
}

/* Queues a request that is read and never answered. */
void
tg_test_http_reply_hang (TgTestHttp *self)
{
  Reply *reply = g_new0 (Reply, 1);

  reply->hang = TRUE;
  g_mutex_lock (&self->lock);
  g_queue_push_tail (&self->replies, reply);
  g_mutex_unlock (&self->lock);
}

/* The answer once the queue is empty. */
void
tg_test_http_set_default (TgTestHttp *self,
                          guint       status,
                          const char *headers)
{
  g_mutex_lock (&self->lock);
  self->fallback.status = status;
  g_free (self->fallback.headers);
  self->fallback.headers = g_strdup (headers);
  g_mutex_unlock (&self->lock);
}

guint
tg_test_http_n_requests (TgTestHttp *self)
{
  guint n;

  g_mutex_lock (&self->lock);
  n = self->requests->len;
  g_mutex_unlock (&self->lock);

  return n;
}

/* Blocks until @n requests have arrived; fails the test after WAIT_SECONDS. */
void
tg_test_http_wait_requests (TgTestHttp *self,
                            guint       n)
{
  gint64 deadline = g_get_monotonic_time () + WAIT_SECONDS * G_TIME_SPAN_SECOND;

  g_mutex_lock (&self->lock);
  while (self->requests->len < n)
    if (!g_cond_wait_until (&self->cond, &self->lock, deadline))
      g_error ("The test HTTP server got %u requests in %d s, not %u",
               self->requests->len, WAIT_SECONDS, n);
  g_mutex_unlock (&self->lock);
}

/* The @index-th request (from 0); valid until the server is freed. */
const TgTestHttpRequest *
tg_test_http_get_request (TgTestHttp *self,
                          guint       index)
{
  const TgTestHttpRequest *request;

  g_mutex_lock (&self->lock);
  g_assert_cmpuint (index, <, self->requests->len);
  request = self->requests->pdata[index];
  g_mutex_unlock (&self->lock);

  return request;
}

/* A port on 127.0.0.1 that nothing listens on (it did a moment ago, then closed). */
guint
tg_test_http_unused_port (void)
{
  g_autoptr(GSocketListener) listener = g_socket_listener_new ();
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, 0);
  g_autoptr(GSocketAddress) effective = NULL;
  g_autoptr(GError) error = NULL;
  guint port;

  if (!g_socket_listener_add_address (listener, address, G_SOCKET_TYPE_STREAM,
                                      G_SOCKET_PROTOCOL_TCP, NULL, &effective, &error))
    g_error ("Could not find a free port on 127.0.0.1: %s", error->message);
  port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (effective));
  g_socket_listener_close (listener);

  return port;
}
