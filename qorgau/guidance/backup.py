"""What a backup must know of guidance (core/backup.py asks each app's `backup` module)."""

# Archives written before guidance was its own app name its models under prevention.
RENAMED_MODELS = {
    "prevention.guidancepage": "guidance.guidancepage",
    "prevention.guidanceversion": "guidance.guidanceversion",
}
