#include "tg-ctl-common.h"
int
tg_ctl_simulate (TgCtlGlobals *globals, int argc, char **argv)
{
  return 1;
}
