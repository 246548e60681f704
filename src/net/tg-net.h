/* tg-net.h
 *
 * Copyright 2026 The Tollgate Authors
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#pragma once

#include <glib.h>

G_BEGIN_DECLS

void        tg_net_init               (void);
const char *tg_net_get_curl_version   (void);

G_END_DECLS
