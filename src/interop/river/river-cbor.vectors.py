#!/usr/bin/env python3
# Independent River CBOR vectors: River's serde structs written by hand as Python dicts (field order of the
# Rust declarations, serde's enum/newtype/Option rules) and encoded with Python `cbor2`; Ed25519 signatures
# from Python `cryptography`; fast_hash re-implemented from freenet-scaffold 0.2.2 `util.rs`.
# Writes the JSON that river-cbor.test.ts reads (river-cbor.vectors.json).
#   python3 src/interop/river/river-cbor.vectors.py > src/interop/river/river-cbor.vectors.json
import json

import cbor2
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat


def fast_hash(b: bytes) -> int:
    h = 0
    for x in b:
        h = (h * 31 + x) & 0xFFFFFFFFFFFFFFFF
    return h - (1 << 64) if h >= 1 << 63 else h


def key(seed_byte: int):
    sk = Ed25519PrivateKey.from_private_bytes(bytes([seed_byte]) * 32)
    return sk, sk.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)


def arr(b: bytes):  # serde: [u8; N] / Vec<u8> / Signature → array of integers
    return list(b)


def systime(secs: int, nanos: int):
    return {"secs_since_epoch": secs, "nanos_since_epoch": nanos}


owner_sk, owner_vk = key(0x11)
_, m_vk = key(0x02)  # fast_hash of this key is negative: CBOR major type 1
owner_id = fast_hash(owner_vk)
m_id = fast_hash(m_vk)

member = {"owner_member_id": owner_id, "invited_by": owner_id, "member_vk": m_vk}
member_cbor = cbor2.dumps(member)
member_sig = owner_sk.sign(member_cbor)
authorized_member = {"member": member, "signature": arr(member_sig)}

ban = {"owner_member_id": owner_id, "banned_at": systime(1, 0), "banned_user": m_id}
ban_cbor = cbor2.dumps(ban)
authorized_ban = {"ban": ban, "banned_by": owner_id, "signature": arr(owner_sk.sign(ban_cbor))}

record = {"version": 2, "cipher_spec": "Aes256Gcm", "created_at": systime(1_700_000_000, 123_456_789)}
record_cbor = cbor2.dumps(record)
authorized_record = {"record": record, "owner_signature": arr(owner_sk.sign(record_cbor))}

secret = {
    "member_id": m_id,
    "secret_version": 2,
    "ciphertext": arr(bytes(range(48))),
    "nonce": arr(bytes(12)),
    "sender_ephemeral_public_key": arr(bytes(range(100, 132))),
    "provider": owner_id,
}
secret_cbor = cbor2.dumps(secret)
authorized_secret = {"secret": secret, "owner_signature": arr(owner_sk.sign(secret_cbor))}

configuration = {
    "owner_member_id": owner_id,
    "configuration_version": 3,
    "privacy_mode": "Private",
    "display": {
        "name": {
            "Private": {
                "ciphertext": arr(b"\x01\x02\x03"),
                "nonce": arr(bytes(range(12))),
                "secret_version": 2,
                "declared_len_bytes": 4,
            }
        },
        "description": {"Public": {"value": arr(b"hi")}},
    },
    "max_recent_messages": 100,
    "max_user_bans": 10,
    "max_message_size": 1000,
    "max_nickname_size": 50,
    "max_members": 200,
    "max_room_name": 100,
    "max_room_description": 500,
}
configuration_cbor = cbor2.dumps(configuration)
authorized_configuration = {"configuration": configuration, "signature": arr(owner_sk.sign(configuration_cbor))}

state = {
    "configuration": authorized_configuration,
    "bans": [authorized_ban],
    "members": {"members": [authorized_member]},
    "member_info": {"member_info": []},
    "secrets": {"current_version": 2, "versions": [authorized_record], "encrypted_secrets": [authorized_secret]},
    "recent_messages": {"messages": []},
    "direct_messages": {"messages": [], "purges": []},
    "upgrade": None,
    "version": 0,
}
delta = {
    "configuration": None,
    "bans": [authorized_ban],
    "members": {"added": [authorized_member]},
    "member_info": None,
    "secrets": {"current_version": 2, "new_versions": [authorized_record], "new_encrypted_secrets": [authorized_secret]},
    "recent_messages": None,
    "direct_messages": None,
    "upgrade": None,
    "version": None,
}

print(
    json.dumps(
        {
            "ownerVk": owner_vk.hex(),
            "memberVk": m_vk.hex(),
            "ownerId": str(owner_id),
            "memberId": str(m_id),
            "member": member_cbor.hex(),
            "memberSignature": member_sig.hex(),
            "ban": ban_cbor.hex(),
            "record": record_cbor.hex(),
            "secret": secret_cbor.hex(),
            "configuration": configuration_cbor.hex(),
            "parameters": cbor2.dumps({"owner": owner_vk}).hex(),
            "state": cbor2.dumps(state).hex(),
            "delta": cbor2.dumps(delta).hex(),
        },
        indent=1,
    )
)
