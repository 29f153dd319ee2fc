# Requests to platforms are not in the admin: they name the accounts and links of a report
# (personal data) and administrators never see report contents. Their status, dates and region
# are in the audit log; the analysts work them at /staff/platform-requests/.
