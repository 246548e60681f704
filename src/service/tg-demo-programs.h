/* tg-demo-programs.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The demo's port, on its own socket directory, and the system user its server runs as
 * when Tollgate runs as root. */
#define TG_DEMO_PORT         "5432"
#define TG_DEMO_SERVER_OWNER "postgres"

/* Whether the demo can run here, and where its programs are. These look at the disk and
 * run pg_config: call them on a worker thread. */
gboolean             tg_demo_check                (GError               **error);
char                *tg_demo_find_server_bindir   (GError               **error);
char                *tg_demo_find_tollgatectl     (void);

/* For tg-demo.c: running the programs. */
gboolean             _tg_demo_is_root             (void);
char                *_tg_demo_find_runuser        (void);
GSubprocessLauncher *_tg_demo_new_launcher        (GSubprocessFlags       flags);
gboolean             _tg_demo_run_program         (const char            *what,
                                                   gboolean               as_owner,
                                                   const char * const    *argv,
                                                   const char            *log_path,
                                                   char                 **stdout_text,
                                                   GCancellable          *cancellable,
                                                   GError               **error);
gboolean             _tg_demo_wait_bounded        (GSubprocess           *process,
                                                   guint                  timeout_ms);

G_END_DECLS
