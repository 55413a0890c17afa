"""The file journal across power cuts: a cut at any byte loses at most the record being written."""

from collections import Counter

from hardware_models.pos import FileStorage, OfflineJournal, PosTerminal


class CountingOffice:
    """Head office that counts how often each sale key reaches it."""

    def __init__(self) -> None:
        self.sent: Counter[str] = Counter()

    def __call__(self, sale, flagged: bool) -> None:
        self.sent[sale.key] += 1


def sell(terminal: PosTerminal, at_s: float, cents: int) -> str:
    assert terminal.start_sale()
    return terminal.complete_sale(at_s, (("TEE-001", 1, cents),), "qr").sale.key


def record_ends(data: bytes) -> list[int]:
    """Offsets just past each record (each record is one line)."""
    return [i + 1 for i, byte in enumerate(data) if byte == ord("\n")]


def test_a_power_cut_at_any_byte_keeps_every_earlier_sale_and_every_later_one(tmp_path):
    path = tmp_path / "journal.jsonl"
    terminal = PosTerminal(
        "T", OfflineJournal(FileStorage(path, fsync=False)), CountingOffice(), online=False
    )
    for i in range(3):
        sell(terminal, float(i), 100 * (i + 1))
    terminal.link_restored(at_s=10.0)  # three sales, then three forwarded marks
    terminal.link_down()
    for i in range(2):
        sell(terminal, 20.0 + i, 1000 + i)
    full = path.read_bytes()
    records = list(FileStorage(path).records())
    ends = record_ends(full)
    assert len(records) == len(ends) == 8

    for cut in range(len(full) + 1):
        path.write_bytes(full[:cut])  # the power cut: the last record written only so far
        storage = FileStorage(path, fsync=False)
        terminal = PosTerminal("T", OfflineJournal(storage), CountingOffice(), online=False)
        survived = list(storage.records())
        complete = sum(end <= cut for end in ends)
        assert survived in (records[:complete], records[: complete + 1]), f"cut at {cut}"
        assert terminal.journal.last_sequence == max(
            (r["sale"]["sequence"] for r in survived if r["op"] == "sale"), default=0
        )
        sold = {r["sale"]["key"] for r in survived if r["op"] == "sale"}
        pending_before = sold - {r["key"] for r in survived if r["op"] == "forwarded"}
        assert set(terminal.journal.pending) == pending_before
        new_keys = [sell(terminal, 100.0 + i, 5000 + i) for i in range(2)]
        assert not pending_before & set(new_keys), f"cut at {cut}: a key reused"

        office = CountingOffice()
        rebooted = PosTerminal("T", OfflineJournal(FileStorage(path, fsync=False)), office)
        assert list(rebooted.journal.storage.records())[: len(survived)] == survived
        assert set(rebooted.journal.pending) == pending_before | set(new_keys), f"cut at {cut}"
        rebooted.forward_pending(at_s=200.0)
        assert office.sent == Counter(pending_before | set(new_keys)), f"cut at {cut}"
        again = CountingOffice()
        PosTerminal("T", OfflineJournal(FileStorage(path)), again).forward_pending(at_s=300.0)
        assert not again.sent, f"cut at {cut}: forwarded twice"


def test_a_damaged_record_is_skipped_not_believed(tmp_path):
    path = tmp_path / "journal.jsonl"
    terminal = PosTerminal("T", OfflineJournal(FileStorage(path)), CountingOffice(), online=False)
    keys = [sell(terminal, float(i), 1234) for i in range(3)]
    data = path.read_bytes()
    flipped = data.replace(b'"amount_cents":1234', b'"amount_cents":9234', 1)  # still JSON
    path.write_bytes(flipped)
    storage = FileStorage(path)
    journal = OfflineJournal(storage)
    assert sorted(journal.pending) == keys[1:] and storage.torn_records == 1


def test_a_journal_written_before_checksums_is_still_forwarded(tmp_path):
    import json

    path = tmp_path / "journal.jsonl"
    office = CountingOffice()
    terminal = PosTerminal("T", OfflineJournal(FileStorage(path)), office, online=False)
    keys = [sell(terminal, 10.0 * i, 1_000) for i in range(3)]
    # The same records as the first format wrote them: plain JSON lines, no checksum.
    lines = [line.split(b" ", 1)[1] for line in path.read_bytes().splitlines()]
    path.write_bytes(b"\n".join(lines) + b"\n")
    assert all(json.loads(line)["op"] == "sale" for line in lines)
    rebooted = PosTerminal("T", OfflineJournal(FileStorage(path)), office, online=False)
    rebooted.link_restored(100.0)
    assert sorted(office.sent) == sorted(keys) and set(office.sent.values()) == {1}
