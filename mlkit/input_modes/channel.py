"""A training channel, in SageMaker's words: where the data is and how it reaches the container.

:class:`Channel` mirrors one element of ``CreateTrainingJob``'s
``InputDataConfig``: ``ChannelName``, the data source (``S3DataSource`` for
S3 Standard and S3 Express One Zone, ``FileSystemDataSource`` for FSx for
Lustre and EFS), ``InputMode`` (``File`` | ``FastFile`` | ``Pipe``),
``ContentType``, ``CompressionType``, ``RecordWrapperType`` and
``ShuffleConfig``. The combinations SageMaker refuses are refused here with
the rule named; :meth:`Channel.to_channel` gives the request member.

    >>> ch = Channel("train", "s3://my-bucket/train/", InputMode="Pipe",
    ...              ContentType="application/x-recordio-protobuf", ShuffleConfig={"Seed": 7})
    >>> ch.to_channel()["DataSource"]["S3DataSource"]["S3Uri"]
    's3://my-bucket/train/'
    >>> Channel("train", "s3://b-1/m.manifest", InputMode="FastFile", S3DataType="AugmentedManifestFile")
    Traceback (most recent call last):
    ...
    ValueError: InputMode 'FastFile' does not support augmented manifest files (S3DataType='AugmentedManifestFile'); SageMaker streams augmented manifests only in Pipe mode
"""

from __future__ import annotations

import re

from mlkit._checks import check_int, check_one_of
from mlkit.input_modes.storage import StorageProfile, get_profile
from mlkit.storage import parse_s3_uri

__all__ = ["Channel", "INPUT_MODES"]

INPUT_MODES = ("File", "FastFile", "Pipe")
_NAME_RE = re.compile(r"^[A-Za-z0-9.\-_]{1,64}$")
_DIRECTORY_BUCKET_RE = re.compile(r"^[a-z0-9][a-z0-9-]*--[a-z0-9-]+--x-s3$")
_FS_ID_RE = re.compile(r"^fs-[0-9a-f]{8,}$")
#: Placeholders used in exported requests when the learner gives none.
EXAMPLE_FILE_SYSTEM_ID = {"fsx-lustre": "fs-0123456789abcdef0", "efs": "fs-0fedcba9876543210"}


class Channel:
    """One input channel of a training job.

    Parameters are SageMaker's (stored unchanged): ``ChannelName``,
    ``S3Uri`` (a prefix or, for manifests, an object), ``InputMode``,
    ``storage`` (a key of :data:`mlkit.input_modes.STORAGE` or a
    :class:`StorageProfile`; FSx for Lustre and EFS become a
    ``FileSystemDataSource`` whose files are the objects under ``S3Uri``,
    as a file system linked to that bucket would show them), ``ContentType``,
    ``CompressionType``, ``RecordWrapperType``, ``ShuffleConfig``
    (``{"Seed": int}``), ``S3DataType``, ``S3DataDistributionType``,
    ``FileSystemId``, ``DirectoryPath``, ``FileSystemAccessMode``.

    Raises ``ValueError`` naming the parameter for: an unknown mode or
    enum value; an invalid channel name or S3 URI; an augmented manifest with
    File or FastFile (Pipe only); ``RecordWrapperType='RecordIO'`` or Gzip
    compression outside Pipe mode; FSx for Lustre or EFS with a mode other
    than File (a file system is mounted, not streamed); S3 Express One Zone
    with a bucket that is not a directory bucket (``name--zone-id--x-s3``).
    """

    def __init__(self, ChannelName: str = "train", S3Uri: str = "s3://mlkit-input-modes/train/", *,
                 InputMode: str = "File", storage="s3", ContentType: str | None = None,
                 CompressionType: str = "None", RecordWrapperType: str = "None",
                 ShuffleConfig: dict | None = None, S3DataType: str = "S3Prefix",
                 S3DataDistributionType: str = "FullyReplicated", FileSystemId: str | None = None,
                 DirectoryPath: str | None = None, FileSystemAccessMode: str = "ro"):
        self.ChannelName = ChannelName
        self.S3Uri = S3Uri
        self.InputMode = InputMode
        self.storage = storage
        self.ContentType = ContentType
        self.CompressionType = CompressionType
        self.RecordWrapperType = RecordWrapperType
        self.ShuffleConfig = ShuffleConfig
        self.S3DataType = S3DataType
        self.S3DataDistributionType = S3DataDistributionType
        self.FileSystemId = FileSystemId
        self.DirectoryPath = DirectoryPath
        self.FileSystemAccessMode = FileSystemAccessMode
        self.check()

    # -- validation --------------------------------------------------------
    @property
    def profile(self) -> StorageProfile:
        """The storage profile this channel reads from."""
        return get_profile(self.storage)

    def check(self) -> "Channel":
        """Validate the combination; return ``self`` (see the class docstring for the rules)."""
        if not isinstance(self.ChannelName, str) or not _NAME_RE.match(self.ChannelName):
            raise ValueError(f"ChannelName must be 1-64 characters of letters, digits, '.', '-' and '_', "
                             f"got {self.ChannelName!r}")
        check_one_of("InputMode", self.InputMode, INPUT_MODES)
        check_one_of("S3DataType", self.S3DataType, ("S3Prefix", "ManifestFile", "AugmentedManifestFile"))
        check_one_of("S3DataDistributionType", self.S3DataDistributionType, ("FullyReplicated", "ShardedByS3Key"))
        check_one_of("CompressionType", self.CompressionType, ("None", "Gzip"))
        check_one_of("RecordWrapperType", self.RecordWrapperType, ("None", "RecordIO"))
        check_one_of("FileSystemAccessMode", self.FileSystemAccessMode, ("ro", "rw"))
        if self.ContentType is not None and (not isinstance(self.ContentType, str) or len(self.ContentType) > 256):
            raise ValueError(f"ContentType must be a MIME type string of at most 256 characters, "
                             f"got {self.ContentType!r}")
        if self.ShuffleConfig is not None:
            if not isinstance(self.ShuffleConfig, dict) or set(self.ShuffleConfig) != {"Seed"}:
                raise ValueError(f"ShuffleConfig must be a dict {{'Seed': int}}, got {self.ShuffleConfig!r}")
            check_int("ShuffleConfig['Seed']", self.ShuffleConfig["Seed"], low=0)
        profile = self.profile
        uri = parse_s3_uri(self.S3Uri, allow_prefix=self.S3DataType == "S3Prefix")
        mode = self.InputMode
        if self.S3DataType == "AugmentedManifestFile" and mode != "Pipe":
            raise ValueError(f"InputMode {mode!r} does not support augmented manifest files "
                             f"(S3DataType='AugmentedManifestFile'); SageMaker streams augmented manifests "
                             f"only in Pipe mode")
        if self.RecordWrapperType == "RecordIO" and mode != "Pipe":
            raise ValueError(f"RecordWrapperType='RecordIO' wraps each object as it is streamed, so it needs "
                             f"InputMode 'Pipe'; in {mode} mode leave it 'None', got InputMode {mode!r}")
        if self.CompressionType == "Gzip" and mode != "Pipe":
            raise ValueError(f"CompressionType='Gzip' is used only in Pipe input mode; got InputMode {mode!r}")
        if profile.is_file_system:
            if mode != "File":
                raise ValueError(f"InputMode must be 'File' for {profile.title}: a FileSystemDataSource is "
                                 f"mounted into the container, not downloaded or streamed; got {mode!r}")
            if self.S3DataType != "S3Prefix":
                raise ValueError(f"S3DataType must be 'S3Prefix' for a file system channel (the directory's "
                                 f"files), got {self.S3DataType!r}")
            if self.FileSystemId is not None and not _FS_ID_RE.match(str(self.FileSystemId)):
                raise ValueError(f"FileSystemId must look like 'fs-0123456789abcdef0', got {self.FileSystemId!r}")
        elif profile.name == "s3-express" and not _DIRECTORY_BUCKET_RE.match(uri.bucket):
            raise ValueError(f"S3Uri must name an S3 directory bucket for S3 Express One Zone "
                             f"('base-name--zone-id--x-s3', e.g. 'train-data--use1-az4--x-s3'), "
                             f"got bucket {uri.bucket!r}")
        return self

    # -- export ------------------------------------------------------------
    def to_channel(self) -> dict:
        """This channel as an element of ``CreateTrainingJob``'s ``InputDataConfig``."""
        profile = self.profile
        if profile.is_file_system:
            key = parse_s3_uri(self.S3Uri, allow_prefix=True).key.rstrip("/")
            default_dir = f"/fsx/{key}" if profile.name == "fsx-lustre" else f"/{key}"
            source = {"FileSystemDataSource": {
                "FileSystemId": self.FileSystemId or EXAMPLE_FILE_SYSTEM_ID.get(profile.name, "fs-0123456789abcdef0"),
                "FileSystemAccessMode": self.FileSystemAccessMode,
                "FileSystemType": "FSxLustre" if profile.name == "fsx-lustre" else "EFS",
                "DirectoryPath": self.DirectoryPath or default_dir}}
        else:
            source = {"S3DataSource": {"S3DataType": self.S3DataType, "S3Uri": self.S3Uri,
                                       "S3DataDistributionType": self.S3DataDistributionType}}
        channel = {"ChannelName": self.ChannelName, "DataSource": source}
        if self.ContentType:
            channel["ContentType"] = self.ContentType
        if self.CompressionType != "None":
            channel["CompressionType"] = self.CompressionType
        if self.RecordWrapperType != "None":
            channel["RecordWrapperType"] = self.RecordWrapperType
        channel["InputMode"] = self.InputMode
        if self.ShuffleConfig is not None:
            channel["ShuffleConfig"] = {"Seed": int(self.ShuffleConfig["Seed"])}
        return channel

    def __repr__(self) -> str:
        return (f"Channel({self.ChannelName!r}, {self.S3Uri!r}, InputMode={self.InputMode!r}, "
                f"storage={self.profile.name!r})")
