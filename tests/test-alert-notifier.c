/* test-alert-notifier.c
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

/* Each alert is announced once per computer (src/service/tg-alert-notifier.c): whoever
 * claims it first, in this process or another, before or after a restart. XDG_STATE_HOME
 * is a temporary folder of this program's, so the record is the real file a real
 * Tollgate would keep; each test claims for a database identity of its own (its path),
 * so each has a record of its own. (G_TEST_OPTION_ISOLATE_DIRS would give each test a
 * folder, but GLib 2.74 leaks its strings, which the sanitizer run reports.)
 */

#include "config.h"

#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>

#include "tg-alert-notifier.h"

#define IDENTITY "7301234567890123456/sales"

/* The identity of this test's database: its own record. */
static const char *
identity (void)
{
  return g_test_get_path ();
}

/* An alert created @age_s seconds ago (negative: in the future). */
static void
set_alert (TgAlertNotice *alert,
           gint64         id,
           const char    *state,
           gint64         age_s)
{
  tg_alert_notice_clear (alert);
  alert->id = id;
  alert->kind = g_strdup ("budget");
  alert->scope = g_strdup ("overall");
  alert->threshold = g_strdup ("85");
  alert->state = g_strdup (state);
  alert->message = g_strdup_printf ("Alert %" G_GINT64_FORMAT, id);
  alert->created_at_usec = g_get_real_time () - age_s * G_USEC_PER_SEC;
}

static void
clear_alerts (TgAlertNotice *alerts,
              guint          n_alerts)
{
  for (guint i = 0; i < n_alerts; i++)
    tg_alert_notice_clear (&alerts[i]);
}

/* Claims @alerts and returns the ids to announce, as a string "3,5" (in claim order). */
static char *
claim_ids (TgAlertNotifier     *notifier,
           const TgAlertNotice *alerts,
           guint                n_alerts)
{
  g_autoptr(GPtrArray) to_announce = NULL;
  g_autoptr(GError) error = NULL;
  GString *ids = g_string_new (NULL);

  g_assert_true (tg_alert_notifier_claim (notifier, alerts, n_alerts, &to_announce, &error));
  g_assert_no_error (error);
  g_assert_nonnull (to_announce);

  for (guint i = 0; i < to_announce->len; i++)
    {
      const TgAlertNotice *notice = to_announce->pdata[i];

      g_string_append_printf (ids, "%s%" G_GINT64_FORMAT, i > 0 ? "," : "", notice->id);
    }

  return g_string_free (ids, FALSE);
}

static char *
read_record (TgAlertNotifier *notifier)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_assert_true (g_file_get_contents (tg_alert_notifier_get_path (notifier), &contents, NULL,
                                      &error));
  g_assert_no_error (error);

  return contents;
}

static void
test_finalize (void)
{
  TgAlertNotifier *notifier = tg_alert_notifier_new (identity ());

  g_assert_finalize_object (notifier);
}

/* Only open alerts within the horizon; each once; after a restart too. */
static void
test_once (void)
{
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new (IDENTITY);
  g_autoptr(TgAlertNotifier) restarted = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *contents = NULL;
  TgAlertNotice alerts[7] = { { 0 } };

  set_alert (&alerts[0], 1, "open", 60);
  set_alert (&alerts[1], 2, "muted", 60);
  set_alert (&alerts[2], 3, "acknowledged", 60);
  set_alert (&alerts[3], 4, "resolved", 60);
  set_alert (&alerts[4], 5, "open", 8 * 24 * 3600);   /* older than the horizon */
  set_alert (&alerts[5], 6, "open", 30);
  set_alert (&alerts[6], 6, "open", 30);              /* the same alert twice in a batch */

  /* The record lives in the user's state directory, named without the identity. */
  dir = g_build_filename (g_get_user_state_dir (), "tollgate", "alerts", NULL);
  g_assert_true (g_str_has_prefix (tg_alert_notifier_get_path (notifier), dir));
  g_assert_null (strstr (tg_alert_notifier_get_path (notifier), "sales"));
  g_assert_null (strstr (tg_alert_notifier_get_path (notifier), "7301234567890123456"));

  /* Nothing to announce touches nothing. */
  ids = claim_ids (notifier, &alerts[1], 4);
  g_assert_cmpstr (ids, ==, "");
  g_assert_false (g_file_test (tg_alert_notifier_get_path (notifier), G_FILE_TEST_EXISTS));

  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "1,6");

  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "");

  contents = read_record (notifier);
  g_assert_null (strstr (contents, "sales"));
  g_assert_true (g_utf8_validate (contents, -1, NULL));

  /* A muted alert opened again is announced then (it never was). */
  g_free (alerts[1].state);
  alerts[1].state = g_strdup ("open");

  /* A restart: a new notifier on the same record. */
  restarted = tg_alert_notifier_new (IDENTITY);
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (restarted, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "2");

  set_alert (&alerts[3], 7, "open", 0);
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (restarted, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "7");

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

/* Another database has a record of its own. */
static void
test_identity (void)
{
  g_autofree char *sales_id = g_strconcat (identity (), "/7301234567890123456/sales", NULL);
  g_autofree char *staging_id = g_strconcat (identity (), "/7301234567890123456/staging", NULL);
  g_autofree char *other_id = g_strconcat (identity (), "/6999999999999999999/sales", NULL);
  g_autoptr(TgAlertNotifier) sales = tg_alert_notifier_new (sales_id);
  g_autoptr(TgAlertNotifier) staging = tg_alert_notifier_new (staging_id);
  g_autoptr(TgAlertNotifier) other = tg_alert_notifier_new (other_id);
  g_autofree char *ids = NULL;
  TgAlertNotice alerts[1] = { { 0 } };

  set_alert (&alerts[0], 1, "open", 1);
  ids = claim_ids (sales, alerts, 1);
  g_assert_cmpstr (ids, ==, "1");
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (staging, alerts, 1);
  g_assert_cmpstr (ids, ==, "1");
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (other, alerts, 1);
  g_assert_cmpstr (ids, ==, "1");

  g_assert_cmpstr (tg_alert_notifier_get_path (sales), !=, tg_alert_notifier_get_path (staging));
  g_assert_cmpstr (tg_alert_notifier_get_path (sales), !=, tg_alert_notifier_get_path (other));

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

/* --- two claimants at once --- */

#define RACE_ALERTS 120
#define RACE_ROUNDS 40

typedef struct
{
  TgAlertNotice *alerts;
  GMutex         lock;
  GCond          cond;
  guint          waiting;       /* claimants at the start line */
  guint          announced[RACE_ALERTS];
} Race;

typedef struct
{
  Race            *race;
  TgAlertNotifier *notifier;
  guint            seed;
} Runner;

static gpointer
run_claims (gpointer data)
{
  Runner *runner = data;
  Race *race = runner->race;
  g_autoptr(GRand) rand = g_rand_new_with_seed (runner->seed);

  /* Both start together. */
  g_mutex_lock (&race->lock);
  race->waiting++;
  g_cond_broadcast (&race->cond);
  while (race->waiting < 2)
    g_cond_wait (&race->cond, &race->lock);
  g_mutex_unlock (&race->lock);

  /* Rounds of overlapping windows of the alerts, as two windows polling the same
   * database would see them arrive.
   */
  for (guint round = 0; round < RACE_ROUNDS; round++)
    {
      g_autoptr(GPtrArray) to_announce = NULL;
      g_autoptr(GError) error = NULL;
      guint reach = (round + 1) * RACE_ALERTS / RACE_ROUNDS + (guint)g_rand_int_range (rand, 0, 5);
      guint end = MIN (RACE_ALERTS, reach);
      guint start = end > 10 ? (guint)g_rand_int_range (rand, 0, (gint32)(end - 10)) : 0;

      g_assert_true (tg_alert_notifier_claim (runner->notifier, &race->alerts[start],
                                              end - start, &to_announce, &error));
      g_assert_no_error (error);

      g_mutex_lock (&race->lock);
      for (guint i = 0; i < to_announce->len; i++)
        {
          const TgAlertNotice *notice = to_announce->pdata[i];

          race->announced[notice->id - 1]++;
        }
      g_mutex_unlock (&race->lock);
    }

  return NULL;
}

static void
test_concurrent (void)
{
  g_autoptr(TgAlertNotifier) first = tg_alert_notifier_new (identity ());
  g_autoptr(TgAlertNotifier) second = tg_alert_notifier_new (identity ());
  g_autoptr(TgAlertNotifier) late = NULL;
  g_autofree char *ids = NULL;
  Race race = { 0 };
  Runner runners[2];
  GThread *threads[2];

  race.alerts = g_new0 (TgAlertNotice, RACE_ALERTS);
  for (guint i = 0; i < RACE_ALERTS; i++)
    set_alert (&race.alerts[i], i + 1, i % 10 == 9 ? "muted" : "open", RACE_ALERTS - i);
  g_mutex_init (&race.lock);
  g_cond_init (&race.cond);

  runners[0] = (Runner) { &race, first, 1 };
  runners[1] = (Runner) { &race, second, 2 };
  threads[0] = g_thread_new ("claim-1", run_claims, &runners[0]);
  threads[1] = g_thread_new ("claim-2", run_claims, &runners[1]);
  g_thread_join (threads[0]);
  g_thread_join (threads[1]);

  /* The last round of each covered every alert up to the end. */
  late = tg_alert_notifier_new (identity ());
  ids = claim_ids (late, race.alerts, RACE_ALERTS);

  for (guint i = 0; i < RACE_ALERTS; i++)
    {
      guint expected = i % 10 == 9 ? 0 : 1;

      if (race.announced[i] != expected)
        g_error ("alert %u was announced %u times, expected %u", i + 1, race.announced[i],
                 expected);
    }
  g_assert_cmpstr (ids, ==, "");

  clear_alerts (race.alerts, RACE_ALERTS);
  g_free (race.alerts);
  g_mutex_clear (&race.lock);
  g_cond_clear (&race.cond);
}

/* Two processes: a child claims while the parent claims the same alerts. The record is
 * in a folder of their own, outside the per-test folders a child would remove on exit.
 */
static const char *self_path;

static void
claim_growing (TgAlertNotifier *notifier,
               GString         *announced)
{
  TgAlertNotice alerts[60] = { { 0 } };

  for (guint i = 0; i < G_N_ELEMENTS (alerts); i++)
    set_alert (&alerts[i], i + 1, "open", 100);
  for (guint i = 1; i <= G_N_ELEMENTS (alerts); i++)
    {
      g_autofree char *ids = claim_ids (notifier, alerts, i);

      if (*ids != '\0')
        g_string_append_printf (announced, "%s\n", ids);
    }
  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

static void
count_ids (const char *text,
           GHashTable *seen,
           const char *who)
{
  g_auto(GStrv) ids = g_strsplit_set (text, ",\n", -1);

  for (guint j = 0; ids[j] != NULL; j++)
    {
      gint64 id;

      if (!g_ascii_string_to_signed (ids[j], 10, 1, 60, &id, NULL))
        continue;
      if (!g_hash_table_add (seen, GINT_TO_POINTER ((gint)id)))
        g_error ("alert %s was announced twice (the second time by the %s)", ids[j], who);
    }
}

static void
test_processes (void)
{
  g_autoptr(TgAlertNotifier) notifier = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_autoptr(GString) announced = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GIOChannel) channel = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *child_out = NULL;
  g_autofree char *path = NULL;
  const char *argv[] = { NULL, "-q", "-p", NULL, "--GTestSubprocess", NULL };
  gsize length;
  GPid pid;
  int out_fd;
  int status;

  if (g_test_subprocess ())
    {
      notifier = tg_alert_notifier_new_for_directory (g_getenv ("TOLLGATE_TEST_RECORD_DIR"),
                                                      identity ());
      /* The parent starts claiming when it reads this. */
      g_print ("go\n");
      fflush (stdout);
      claim_growing (notifier, announced);
      g_print ("%s", announced->str);
      return;
    }

  dir = g_dir_make_tmp ("tollgate-notifier-XXXXXX", &error);
  g_assert_no_error (error);
  notifier = tg_alert_notifier_new_for_directory (dir, identity ());
  g_setenv ("TOLLGATE_TEST_RECORD_DIR", dir, TRUE);

  /* g_test_trap_subprocess() waits for the child; this one runs beside the parent. */
  path = g_strdup (g_test_get_path ());
  argv[0] = self_path;
  argv[3] = path;
  g_assert_true (g_spawn_async_with_pipes (NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD,
                                           NULL, NULL, &pid, NULL, &out_fd, NULL, &error));
  g_assert_no_error (error);

  channel = g_io_channel_unix_new (out_fd);
  g_io_channel_set_close_on_unref (channel, TRUE);
  do
    {
      g_autofree char *line = NULL;

      g_assert_cmpint (g_io_channel_read_line (channel, &line, NULL, NULL, &error), ==,
                       G_IO_STATUS_NORMAL);
      g_assert_no_error (error);
      if (g_str_equal (line, "go\n"))
        break;
    }
  while (TRUE);

  claim_growing (notifier, announced);

  g_assert_cmpint (g_io_channel_read_to_end (channel, &child_out, &length, &error), ==,
                   G_IO_STATUS_NORMAL);
  g_assert_no_error (error);
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_spawn_close_pid (pid);
  g_assert_true (g_spawn_check_wait_status (status, &error));
  g_assert_no_error (error);

  count_ids (announced->str, seen, "parent");
  count_ids (child_out, seen, "child");
  g_assert_cmpuint (g_hash_table_size (seen), ==, 60);
  g_test_message ("the child announced: %s", child_out);

  g_unlink (tg_alert_notifier_get_path (notifier));
  {
    g_autofree char *lock = g_strconcat (tg_alert_notifier_get_path (notifier), ".lock", NULL);

    g_unlink (lock);
  }
  g_rmdir (dir);
}

/* The record keeps at most max-entries; what it forgets is never announced again. */
static void
test_bounded (void)
{
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new (identity ());
  g_autoptr(TgAlertNotifier) restarted = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *contents = NULL;
  g_auto(GStrv) lines = NULL;
  TgAlertNotice alerts[25] = { { 0 } };
  guint n_entries = 0;

  tg_alert_notifier_set_max_entries (notifier, 10);
  for (guint i = 0; i < G_N_ELEMENTS (alerts); i++)
    {
      g_autofree char *expected = g_strdup_printf ("%u", i + 1);

      set_alert (&alerts[i], i + 1, "open", 1000 - i);
      g_clear_pointer (&ids, g_free);
      ids = claim_ids (notifier, &alerts[i], 1);
      g_assert_cmpstr (ids, ==, expected);
    }

  contents = read_record (notifier);
  lines = g_strsplit (contents, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_isdigit (*lines[i]))
      n_entries++;
  g_assert_cmpuint (n_entries, ==, 10);
  g_assert_nonnull (strstr (contents, "\nfloor "));

  restarted = tg_alert_notifier_new (identity ());
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (restarted, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "");

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

/* Alerts older than the horizon are forgotten, and not announced again after. */
static void
test_horizon (void)
{
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new (identity ());
  g_autofree char *ids = NULL;
  g_autofree char *contents = NULL;
  TgAlertNotice alerts[2] = { { 0 } };

  set_alert (&alerts[0], 1, "open", 2 * 3600);
  set_alert (&alerts[1], 2, "open", 60);

  g_assert_cmpint (tg_alert_notifier_get_horizon (notifier), ==, 7 * G_TIME_SPAN_DAY);
  ids = claim_ids (notifier, &alerts[0], 1);
  g_assert_cmpstr (ids, ==, "1");

  /* With an hour's horizon, alert 1 is too old to announce, and forgotten... */
  tg_alert_notifier_set_horizon (notifier, G_TIME_SPAN_HOUR);
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, 2);
  g_assert_cmpstr (ids, ==, "2");
  contents = read_record (notifier);
  g_assert_null (strstr (contents, "\n1 "));

  /* ...yet a longer horizon again does not bring it back. */
  tg_alert_notifier_set_horizon (notifier, G_TIME_SPAN_DAY);
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, 2);
  g_assert_cmpstr (ids, ==, "");

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

/* A damaged record: a warning, the lines that read are kept, the alerts created before
 * it was last written count as announced, newer ones are announced, and the damaged
 * file is kept beside.
 */
static void
test_damaged (gconstpointer data)
{
  const char *damage = data;
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new (identity ());
  g_autoptr(GError) error = NULL;
  g_autofree char *ids = NULL;
  g_autofree char *corrupt_path = NULL;
  g_autofree char *corrupt = NULL;
  TgAlertNotice alerts[4] = { { 0 } };

  set_alert (&alerts[0], 1, "open", 120);
  set_alert (&alerts[1], 2, "open", 60);
  set_alert (&alerts[2], 3, "open", 30);      /* never claimed, created before the damage */
  /* Created after the damage is written (a second later than now, whatever the file
   * system's clock granularity).
   */
  set_alert (&alerts[3], 4, "open", -1);

  ids = claim_ids (notifier, alerts, 2);
  g_assert_cmpstr (ids, ==, "1,2");

  g_assert_true (g_file_set_contents (tg_alert_notifier_get_path (notifier), damage, -1, &error));
  g_assert_no_error (error);

  g_test_expect_message (G_LOG_DOMAIN, G_LOG_LEVEL_WARNING,
                         "The record of alerts announced on this computer*is damaged*");
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, G_N_ELEMENTS (alerts));
  g_test_assert_expected_messages ();
  g_assert_cmpstr (ids, ==, "4");

  corrupt_path = g_strconcat (tg_alert_notifier_get_path (notifier), ".corrupt", NULL);
  g_assert_true (g_file_get_contents (corrupt_path, &corrupt, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (corrupt, ==, damage);

  /* The record written anew reads without a warning. */
  g_clear_pointer (&ids, g_free);
  ids = claim_ids (notifier, alerts, G_N_ELEMENTS (alerts));
  g_assert_cmpstr (ids, ==, "");

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

static void
test_unwritable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(TgAlertNotifier) notifier = NULL;
  g_autoptr(GPtrArray) to_announce = NULL;
  g_autofree char *file = g_build_filename (g_get_user_state_dir (), "not-a-folder", NULL);
  g_autofree char *dir = g_build_filename (file, "alerts", NULL);
  TgAlertNotice alerts[1] = { { 0 } };

  /* A folder below a file cannot be made, even by root. */
  g_assert_true (g_mkdir_with_parents (g_get_user_state_dir (), 0700) == 0);
  g_assert_true (g_file_set_contents (file, "", 0, &error));
  g_assert_no_error (error);

  notifier = tg_alert_notifier_new_for_directory (dir, identity ());
  set_alert (&alerts[0], 1, "open", 1);
  g_assert_false (tg_alert_notifier_claim (notifier, alerts, 1, &to_announce, &error));
  g_assert_error (error, TG_ALERT_NOTIFIER_ERROR, TG_ALERT_NOTIFIER_ERROR_FAILED);
  g_assert_null (to_announce);
  g_assert_nonnull (strstr (error->message, dir));
  g_test_message ("%s", error->message);

  clear_alerts (alerts, G_N_ELEMENTS (alerts));
}

static void
on_claimed (GObject      *object,
            GAsyncResult *result,
            gpointer      user_data)
{
  GAsyncResult **slot = user_data;

  *slot = g_object_ref (result);
}

static void
test_async (void)
{
  g_autoptr(TgAlertNotifier) notifier = tg_alert_notifier_new (identity ());
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GPtrArray) to_announce = NULL;
  g_autoptr(GError) error = NULL;
  TgAlertNotice alerts[2] = { { 0 } };
  const TgAlertNotice *notice;

  set_alert (&alerts[0], 1, "open", 1);
  set_alert (&alerts[1], 2, "muted", 1);
  tg_alert_notifier_claim_async (notifier, alerts, 2, NULL, on_claimed, &result);
  /* The copies are the task's: the caller's may go at once. */
  clear_alerts (alerts, G_N_ELEMENTS (alerts));
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);

  to_announce = tg_alert_notifier_claim_finish (notifier, result, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (to_announce->len, ==, 1);
  notice = to_announce->pdata[0];
  g_assert_cmpint (notice->id, ==, 1);
  g_assert_cmpstr (notice->message, ==, "Alert 1");
  g_assert_cmpstr (notice->kind, ==, "budget");
}

static void
test_notification (void)
{
  g_autoptr(TgAlertNotice) notice = tg_alert_notice_new (5, "provider_errors", "provider:here",
                                                         "", "open", "Errors at 12 %", 0);
  g_autoptr(GNotification) notification = tg_alert_notification_new (notice);

  g_assert_true (G_IS_NOTIFICATION (notification));
}

/* Removes @path and everything under it. */
static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *state_dir = NULL;
  int status;

  self_path = argv[0];
  g_test_init (&argc, &argv, NULL);

  /* Before anything asks GLib for it (it keeps the first answer). A child of the
   * processes case has a folder of its own, unused.
   */
  state_dir = g_dir_make_tmp ("tollgate-state-XXXXXX", NULL);
  g_assert_nonnull (state_dir);
  g_setenv ("XDG_STATE_HOME", state_dir, TRUE);

  g_test_add_func ("/tollgate/unit/alert-notifier/finalize", test_finalize);
  g_test_add_func ("/tollgate/unit/alert-notifier/once", test_once);
  g_test_add_func ("/tollgate/unit/alert-notifier/identity", test_identity);
  g_test_add_func ("/tollgate/unit/alert-notifier/concurrent", test_concurrent);
  g_test_add_func ("/tollgate/unit/alert-notifier/processes", test_processes);
  g_test_add_func ("/tollgate/unit/alert-notifier/bounded", test_bounded);
  g_test_add_func ("/tollgate/unit/alert-notifier/horizon", test_horizon);
  g_test_add_data_func ("/tollgate/unit/alert-notifier/damaged/garbage",
                        "\x01\x02garbage\n", test_damaged);
  g_test_add_data_func ("/tollgate/unit/alert-notifier/damaged/empty", "", test_damaged);
  g_test_add_data_func ("/tollgate/unit/alert-notifier/damaged/newer-format",
                        "tollgate-alert-notifier 2\n1 0\n", test_damaged);
  g_test_add_data_func ("/tollgate/unit/alert-notifier/damaged/bad-line",
                        "tollgate-alert-notifier 1\n1 0\nnonsense\n", test_damaged);
  g_test_add_func ("/tollgate/unit/alert-notifier/unwritable", test_unwritable);
  g_test_add_func ("/tollgate/unit/alert-notifier/async", test_async);
  g_test_add_func ("/tollgate/unit/alert-notifier/notification", test_notification);

  status = g_test_run ();
  remove_tree (state_dir);

  return status;
}
