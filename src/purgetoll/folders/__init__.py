"""Output folders: atomic replacement, locks, checksums and the debris of killed runs.

The base layer every verb that writes a folder uses (``purgetoll sim run``, ``purgetoll run``):

- :class:`RunFolder`: a run written beside the old one, swapped in whole when complete, under the
  folder's lock; never removes a file that no run wrote (``runfolder.py``);
- :class:`FolderLock`: one writer per folder, a killed writer's lock taken over safely (``lock.py``);
- :func:`sha256_file`, :func:`file_entries`, :func:`verify_entries`, :func:`seal`,
  :func:`read_sealed`, :class:`HashingWriter`: checksums recorded when written, checked when read
  (``checksums.py``);
- :func:`verify_folder`: check a run folder (finished, or unfinished and resumable) against its
  checksums (``verify.py``, the ``purgetoll verify`` verb); :func:`verify_run_files`: check the
  files of a finished run before reading them (``read_events`` does).

See ``docs/GUARANTEES.md`` for what is guaranteed and how it is tested.
"""

from purgetoll.folders.checksums import (
    HashingWriter,
    file_entries,
    read_sealed,
    seal,
    sha256_file,
    verify_entries,
    verify_file,
)
from purgetoll.folders.layout import MANIFEST, inspect_target, read_manifest
from purgetoll.folders.lock import FolderLock, lock_path
from purgetoll.folders.owner import Owner
from purgetoll.folders.runfolder import CHECKPOINT, PAYLOAD, RunFolder, clean_debris, find_stagings
from purgetoll.folders.verify import VerifyReport, verify_folder, verify_run_files

__all__ = [
    "CHECKPOINT",
    "FolderLock",
    "HashingWriter",
    "MANIFEST",
    "Owner",
    "PAYLOAD",
    "RunFolder",
    "VerifyReport",
    "clean_debris",
    "file_entries",
    "find_stagings",
    "inspect_target",
    "lock_path",
    "read_manifest",
    "read_sealed",
    "seal",
    "sha256_file",
    "verify_entries",
    "verify_file",
    "verify_folder",
    "verify_run_files",
]
