"""The top layer's pages: those that bring several apps together (home, a region's public page
and plan, the dashboard, the national view and annual report, the audit trail) and the
navigation. They may import every app; no app imports them."""
