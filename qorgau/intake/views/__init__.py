"""The Red Button's pages: `public` (the form, the follow-up, the button) and `staff` (the queue, a
report, a subject, and one view per action on a report)."""
