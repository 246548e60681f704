/* tg-handoff.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void tg_handoff (GMainContext   *context,
                 int             priority,
                 GSourceFunc     func,
                 gpointer        data,
                 GDestroyNotify  notify,
                 const char     *name);

G_END_DECLS
