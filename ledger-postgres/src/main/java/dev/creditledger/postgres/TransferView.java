package dev.creditledger.postgres;

import dev.creditledger.core.Entry;
import dev.creditledger.core.TransferState;

/** A journal entry and, for transfers and holds, their current state (null for other kinds). */
public record TransferView(Entry entry, TransferState state) {}
