/* tg-welcome-page.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define TG_TYPE_WELCOME_PAGE (tg_welcome_page_get_type ())

G_DECLARE_FINAL_TYPE (TgWelcomePage, tg_welcome_page, TG, WELCOME_PAGE, AdwBin)

GtkWidget  *tg_welcome_page_new              (void);
const char *tg_welcome_page_get_mode         (TgWelcomePage  *self);
void        tg_welcome_page_set_mode         (TgWelcomePage  *self,
                                              const char     *mode);
void        tg_welcome_page_set_conninfo     (TgWelcomePage  *self,
                                              const char     *conninfo);
char       *tg_welcome_page_dup_conninfo     (TgWelcomePage  *self,
                                              char          **password,
                                              GError        **error);
void        tg_welcome_page_set_error        (TgWelcomePage  *self,
                                              const char     *message);
void        tg_welcome_page_set_demo_blocker (TgWelcomePage  *self,
                                              const char     *reason);
void        tg_welcome_page_set_demo_status  (TgWelcomePage  *self,
                                              const char     *status);
const char *tg_welcome_page_get_demo_status  (TgWelcomePage  *self);

G_END_DECLS
