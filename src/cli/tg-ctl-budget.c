int tg_ctl_budget_stub;
