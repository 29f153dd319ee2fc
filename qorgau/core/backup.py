"""Encrypted backups of the whole installation: every table's rows and the evidence files.

The archive is a tar (gzip) holding `manifest.json` (format, date, counts, the SHA-256 of every
member), `data.json` (every row, serialised by Django with natural keys for content types, so it
loads on SQLite and PostgreSQL alike) and `evidence/<name>` (the evidence files as they are on disk,
already encrypted). Encrypted fields are written as their ciphertext, never as plaintext, so the
master key that wrapped them is needed to read them after a restore.

The tar is then encrypted in 1 MiB chunks with AES-256-GCM (authenticated): each chunk's nonce holds
its number and a "last chunk" flag, and every chunk is bound to the header, so an altered, reordered
or truncated archive is refused before anything is restored. The key is QORGAU_BACKUP_KEY when set
(32 bytes in base64: backups can then be kept apart from the master key's holders), otherwise it is
derived (HKDF-SHA256) from the active master key; the header names which key by its fingerprint.

The keyed lookup values inside (identifier and IIN lookups, receipt locators, recovery codes) open
only under the lookup key that made them: the manifest names those keys (`lookup_keys`), and a
restore where one of them is not configured is refused, unless told to go on without them.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import importlib
import io
import json
import os
import shutil
import struct
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.apps import apps
from django.conf import settings
from django.core import serializers
from django.core.management.color import no_style
from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection, models, transaction

from qorgau.core.audit_guard import audit_triggers_lifted
from qorgau.core.derived_keys import BACKUP, STORED, derive, key_id_of, ring
from qorgau.core.fields import Ciphertext, EncryptedField
from qorgau.core.keys import parse_master_key
from qorgau.core.registry import app_modules, contributions
from qorgau.env import env_str

MAGIC = b"QORGAU-BACKUP-1\n"
CHUNK = 2**20
FORMAT = 1
# Not part of a backup: rebuilt by migrations (content types, permissions), or short-lived.
EXCLUDED = {
    "contenttypes.contenttype",
    "auth.permission",
    "sessions.session",
    "admin.logentry",
    "django_tasks_db.dbtaskresult",
}


class BackupError(Exception):
    """The archive cannot be written or read (wrong key, altered, truncated, not an archive)."""


@dataclass(frozen=True)
class ArchiveKey:
    key: bytes
    name: str  # "backup:<fingerprint>" or "master:<fingerprint>"


def _fingerprint(key: bytes) -> str:
    return hmac.new(key, b"qorgau backup key id", hashlib.sha256).hexdigest()[:16]


def _derived(master: bytes) -> bytes:
    return derive(BACKUP, root=master)


def candidate_keys() -> list[ArchiveKey]:
    """The key new archives are written with first, then every key that may open older ones."""
    keys = []
    backup_key = env_str("QORGAU_BACKUP_KEY")
    if backup_key:
        raw = parse_master_key(backup_key, name="QORGAU_BACKUP_KEY").key
        keys.append(ArchiveKey(raw, f"backup:{_fingerprint(raw)}"))
    masters = [settings.QORGAU_MASTER_KEY, *settings.QORGAU_PREVIOUS_MASTER_KEYS]
    for value in filter(None, masters):
        raw = _derived(parse_master_key(value).key)
        keys.append(ArchiveKey(raw, f"master:{_fingerprint(raw)}"))
    if not keys:
        raise BackupError("No key: set QORGAU_MASTER_KEY (or QORGAU_BACKUP_KEY).")
    return keys


# --- The encrypted stream -------------------------------------------------------------------------


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + struct.pack(">I", counter) + (b"\x01" if last else b"\x00")


def encrypt_stream(source: IO[bytes], target: IO[bytes], key: ArchiveKey) -> None:
    prefix = os.urandom(7)
    header = MAGIC + json.dumps({"key": key.name, "nonce": prefix.hex()}).encode() + b"\n"
    target.write(header)
    aead = AESGCM(key.key)
    counter = 0
    chunk = source.read(CHUNK)
    while True:
        following = source.read(CHUNK)
        last = not following
        sealed = aead.encrypt(_nonce(prefix, counter, last), chunk, header)
        target.write(struct.pack(">I", len(sealed)) + sealed)
        if last:
            return
        chunk, counter = following, counter + 1


def decrypt_stream(source: IO[bytes], target: IO[bytes]) -> None:
    """Decrypt and authenticate every chunk; refuse an archive altered, reordered or cut short."""
    if source.read(len(MAGIC)) != MAGIC:
        raise BackupError("This is not a Qorgau backup archive.")
    line = source.readline(4096)
    try:
        meta = json.loads(line)
        prefix = bytes.fromhex(meta["nonce"])
    except (ValueError, KeyError, TypeError) as exc:
        raise BackupError("The archive's header is damaged.") from exc
    header = MAGIC + line
    key = next((k for k in candidate_keys() if k.name == meta.get("key")), None)
    if key is None or len(prefix) != 7:
        raise BackupError(
            f"No configured key opens this archive (it names {meta.get('key')!r}): set the master "
            "key (or QORGAU_BACKUP_KEY) it was written with."
        )
    aead = AESGCM(key.key)
    counter = 0
    while True:
        size_bytes = source.read(4)
        if len(size_bytes) != 4:
            raise BackupError("The archive is truncated.")
        (size,) = struct.unpack(">I", size_bytes)
        sealed = source.read(size)
        if len(sealed) != size or size > CHUNK + 16:
            raise BackupError("The archive is truncated.")
        for last in (False, True):
            try:
                plain = aead.decrypt(_nonce(prefix, counter, last), sealed, header)
                break
            except InvalidTag:
                continue
        else:
            raise BackupError("The archive was altered: it does not authenticate.")
        target.write(plain)
        if last:
            if source.read(1):
                raise BackupError("The archive was altered: data after its end.")
            return
        counter += 1


# --- What goes into the archive -------------------------------------------------------------------


def backed_up_models() -> list[type[models.Model]]:
    """The models of the archive, each after the models its rows name by natural key (users before
    the authenticators and recovery codes of django-otp's apps, which come first in INSTALLED_APPS:
    a row whose user is not there yet cannot be written)."""
    chosen = [
        model
        for model in apps.get_models()
        if model._meta.managed
        and not model._meta.proxy
        and model._meta.label_lower not in EXCLUDED
        and not model._meta.app_label.startswith("testapp")
    ]
    return serializers.sort_dependencies([(None, chosen)], allow_cycles=True)


def _encrypted(model: type[models.Model]) -> list[EncryptedField]:
    return [f for f in model._meta.concrete_fields if isinstance(f, EncryptedField)]


def _rows(model: type[models.Model]) -> list[dict[str, Any]]:
    """Every row as Django's python serialiser writes it; encrypted fields as base64 ciphertext."""
    encrypted = _encrypted(model)
    queryset = model._base_manager.order_by("pk")
    if encrypted:
        queryset = queryset.defer(*[f.name for f in encrypted])
    objects = list(queryset)
    rows = serializers.serialize(
        "python",
        objects,
        use_natural_foreign_keys=True,
        use_natural_primary_keys=False,
        fields=[f.name for f in model._meta.fields if f not in encrypted]
        + [f.name for f in model._meta.many_to_many],
    )
    if encrypted:
        columns = ", ".join(connection.ops.quote_name(f.column) for f in encrypted)
        pk_column = connection.ops.quote_name(model._meta.pk.column)
        table = connection.ops.quote_name(model._meta.db_table)
        with connection.cursor() as cursor:
            cursor.execute(f"SELECT {pk_column}, {columns} FROM {table}")  # noqa: S608
            raw = {row[0]: row[1:] for row in cursor.fetchall()}
        for row in rows:
            values = raw[row["pk"]]
            for field, value in zip(encrypted, values, strict=True):
                row["fields"][field.name] = (
                    None
                    if value is None
                    else {"ciphertext": base64.b64encode(bytes(value)).decode()}
                )
    return rows


class _ExactEncoder(DjangoJSONEncoder):
    """Datetimes to the microsecond (Django's encoder cuts them to milliseconds, which would
    change what the audit chain's hashes cover)."""

    def default(self, o: Any) -> Any:
        if isinstance(o, datetime):
            return o.isoformat()
        return super().default(o)


def _file_contributions() -> list[Any]:
    """The apps that keep files on disk besides their tables (each app's `backup` module with
    FILE_FOLDER and stored_files(); today intake's evidence)."""
    return [m for m in app_modules("backup") if hasattr(m, "FILE_FOLDER")]


def _renamed_models() -> dict[str, str]:
    """Model labels of older archives and what they are called now (each app's RENAMED_MODELS)."""
    renamed: dict[str, str] = {}
    for table in contributions("backup", "RENAMED_MODELS"):
        renamed.update(table)
    return renamed


def write_archive(path: Path) -> dict[str, Any]:
    """Write the encrypted archive of the whole installation to `path`; return its manifest."""
    with transaction.atomic():  # one consistent snapshot of every table
        data: list[dict[str, Any]] = []
        counts = {}
        for model in backed_up_models():
            rows = _rows(model)
            counts[model._meta.label] = len(rows)
            data.extend(rows)
        files = [
            (app.FILE_FOLDER, name) for app in _file_contributions() for name in app.stored_files()
        ]
    payload = json.dumps(data, cls=_ExactEncoder).encode()
    members: dict[str, str] = {"data.json": hashlib.sha256(payload).hexdigest()}
    lookup_keys = sorted(lookup_key_ids(data))
    key = candidate_keys()[0]
    path = Path(path)
    with tempfile.TemporaryFile(dir=path.parent) as plain:
        with tarfile.open(fileobj=plain, mode="w:gz") as tar:
            _add(tar, "data.json", payload)
            for folder, name in files:
                content = (Path(settings.MEDIA_ROOT) / folder / name).read_bytes()
                members[f"{folder}/{name}"] = hashlib.sha256(content).hexdigest()
                _add(tar, f"{folder}/{name}", content)
            manifest = {
                "format": FORMAT,
                "created_at": datetime.now(UTC).isoformat(),
                "engine": connection.vendor,
                "rows": counts,
                "members": members,
                "lookup_keys": lookup_keys,
            }
            _add(tar, "manifest.json", json.dumps(manifest, indent=1).encode())
        plain.seek(0)
        temporary = path.with_name(f".{path.name}.tmp")
        with open(temporary, "wb") as target:
            encrypt_stream(plain, target, key)
            target.flush()
            os.fsync(target.fileno())
        os.replace(temporary, path)
    return manifest


def _add(tar: tarfile.TarFile, name: str, content: bytes) -> None:
    info = tarfile.TarInfo(name)
    info.size = len(content)
    info.mode = 0o600
    tar.addfile(info, io.BytesIO(content))


# --- Restoring ------------------------------------------------------------------------------------


def installation_is_empty() -> bool:
    """No staff, no audit entry, no report, no evidence file: what `migrate` leaves behind."""
    from qorgau.core.models import AuditEntry, User

    for app in _file_contributions():
        folder = Path(settings.MEDIA_ROOT) / app.FILE_FOLDER
        if folder.is_dir() and any(p.is_file() for p in folder.iterdir()):
            return False
    holds = [m.holds_data for m in app_modules("backup") if hasattr(m, "holds_data")]
    return not (User.objects.exists() or AuditEntry.objects.exists() or any(h() for h in holds))


def read_archive(path: Path, workdir: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """Decrypt, authenticate and check the archive into `workdir`; nothing is restored yet."""
    plain_path = workdir / "archive.tar.gz"
    try:
        with open(path, "rb") as source, open(plain_path, "wb") as target:
            decrypt_stream(source, target)
    except OSError as exc:
        raise BackupError(f"The archive cannot be read: {exc.strerror}") from exc
    try:
        with tarfile.open(plain_path, mode="r:gz") as tar:
            tar.extractall(workdir / "content", filter="data")
    except (tarfile.TarError, OSError, EOFError) as exc:
        raise BackupError("The archive's content is damaged.") from exc
    content = workdir / "content"
    manifest = json.loads((content / "manifest.json").read_text())
    if manifest.get("format") != FORMAT:
        raise BackupError(f"Unknown archive format {manifest.get('format')!r}.")
    for name, digest in manifest["members"].items():
        member = content / name
        if not member.is_file() or hashlib.sha256(member.read_bytes()).hexdigest() != digest:
            raise BackupError(f"The archive's member {name} does not match its SHA-256.")
    data = json.loads((content / "data.json").read_bytes())
    return manifest, data


def _wipe(models_: list[type[models.Model]]) -> None:
    tables = [m._meta.db_table for m in models_]
    throughs = [f.remote_field.through for m in models_ for f in m._meta.local_many_to_many]
    tables += [t._meta.db_table for t in throughs if t is not None and t._meta.auto_created]
    if connection.vendor == "postgresql":
        # TRUNCATE refuses tables with deferred foreign-key checks still pending in this transaction
        with connection.cursor() as cursor:
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
    statements = connection.ops.sql_flush(
        no_style(), tables, reset_sequences=True, allow_cascade=connection.vendor == "postgresql"
    )
    from qorgau.core.models import AuditChainHead, AuditEntry

    # The audit log's triggers refuse to empty it (core migration 0009): `--force` replaces the
    # whole installation, the log with it (PostgreSQL: only as a superuser; see audit_guard).
    holds_log = AuditEntry.objects.exists() or AuditChainHead.objects.filter(seq__gt=0).exists()
    if connection.vendor == "sqlite" or holds_log:
        with audit_triggers_lifted():
            connection.ops.execute_sql_flush(statements)
    else:
        connection.ops.execute_sql_flush(statements)


def _encrypt_clear_authenticator_keys() -> None:
    """An archive written before core migration 0006 holds django-otp's TOTPDevice rows, keys in
    clear: they are moved into core.StaffTOTPDevice, keys encrypted, as the migration moved them
    (after the sequences are reset: the moved rows take new ids)."""
    migration = importlib.import_module("qorgau.core.migrations.0006_encrypt_totp_keys")
    migration.encrypt_clear_keys(apps, None)


def lookup_key_ids(data: list[dict[str, Any]]) -> set[str]:
    """The lookup keys that made the archive's keyed values, by id ("legacy": SECRET_KEY, before
    the lookup key)."""
    found = set()
    for row in data:
        column = STORED.get(row["model"])
        value = row["fields"].get(column[0]) if column else None
        if value:
            found.add(key_id_of(value))
    return found


def _check_lookup_keys(data: list[dict[str, Any]]) -> None:
    keys = ring()
    missing = sorted(lookup_key_ids(data) - keys.ids - ({"legacy"} if keys.legacy else set()))
    if missing:
        named = ", ".join(
            "SECRET_KEY of before the lookup key" if m == "legacy" else m for m in missing
        )
        raise BackupError(
            f"The archive's receipt codes, recovery codes and lookups were keyed with lookup keys "
            f"not configured here ({named}): set QORGAU_LOOKUP_KEY, QORGAU_PREVIOUS_LOOKUP_KEYS "
            "(and QORGAU_LEGACY_SECRET_KEYS) as the installation that wrote it had them. To restore "
            "without them (their receipt and recovery codes will not open; `rekey_lookups` "
            "rebuilds identifier and IIN lookups), pass --without-lookup-keys."
        )


def restore_archive(
    path: Path, *, force: bool = False, without_lookup_keys: bool = False
) -> dict[str, Any]:
    """Bring an archive back: refuse a non-empty installation unless `force` (which replaces all
    its data), an archive that does not authenticate, and one whose lookup values were keyed with
    lookup keys not configured here unless `without_lookup_keys`. Returns the manifest."""
    if not force and not installation_is_empty():
        raise BackupError(
            "This installation is not empty (it has staff, reports or audit entries): "
            "restore only into a fresh one, or pass --force to replace everything in it."
        )
    with tempfile.TemporaryDirectory() as work:
        workdir = Path(work)
        manifest, data = read_archive(Path(path), workdir)
        renamed = _renamed_models()
        for row in data:
            row["model"] = renamed.get(row["model"], row["model"])
        if not without_lookup_keys:
            _check_lookup_keys(data)
        models_ = backed_up_models()
        # archives written before the models were ordered: rows of a model after those it names
        order = {m._meta.label_lower: i for i, m in enumerate(models_)}
        data.sort(key=lambda row: order.get(row["model"], len(order)))
        encrypted = {m._meta.label_lower: {f.name for f in _encrypted(m)} for m in models_}
        for row in data:
            for name in encrypted.get(row["model"], ()):
                value = row["fields"].get(name)
                if isinstance(value, dict):
                    row["fields"][name] = Ciphertext(base64.b64decode(value["ciphertext"]))
        with transaction.atomic():
            _wipe(models_)
            pending = []
            for obj in serializers.deserialize("python", data, handle_forward_references=True):
                obj.save()
                if obj.deferred_fields:
                    pending.append(obj)
            for obj in pending:
                obj.save_deferred_fields()
            connection.check_constraints(table_names=[m._meta.db_table for m in models_])
            sequences = connection.ops.sequence_reset_sql(no_style(), models_)
            if sequences:
                with connection.cursor() as cursor:
                    for statement in sequences:
                        cursor.execute(statement)
            _encrypt_clear_authenticator_keys()
        for app in _file_contributions():
            folder = Path(settings.MEDIA_ROOT) / app.FILE_FOLDER
            if force and folder.is_dir():
                shutil.rmtree(folder)
            folder.mkdir(parents=True, exist_ok=True)
            source = workdir / "content" / app.FILE_FOLDER
            if source.is_dir():
                for item in source.iterdir():
                    shutil.copyfile(item, folder / item.name)
    return manifest
