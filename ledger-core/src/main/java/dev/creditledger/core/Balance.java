package dev.creditledger.core;

/**
 * The four running totals of an account, in minor units. Posted totals only grow; pending totals grow
 * when a hold is placed and shrink when it is captured, voided or expires. All arithmetic is
 * overflow-checked and throws {@link ArithmeticException}, which the state machine turns into
 * {@link Reason#BALANCE_OVERFLOW}.
 */
public record Balance(long debitsPosted, long creditsPosted, long debitsPending, long creditsPending) {

    public static final Balance ZERO = new Balance(0, 0, 0, 0);

    /** Applies one posting line: {@code postedMinor} on its side, and a signed change of the pending total. */
    public Balance apply(Side side, long postedMinor, long pendingDeltaMinor) {
        return side == Side.DEBIT
                ? new Balance(Math.addExact(debitsPosted, postedMinor), creditsPosted,
                        Math.addExact(debitsPending, pendingDeltaMinor), creditsPending)
                : new Balance(debitsPosted, Math.addExact(creditsPosted, postedMinor),
                        debitsPending, Math.addExact(creditsPending, pendingDeltaMinor));
    }

    /** The posted balance seen from the account's normal side. */
    public long posted(Side normalSide) {
        return normalSide == Side.CREDIT
                ? Math.subtractExact(creditsPosted, debitsPosted)
                : Math.subtractExact(debitsPosted, creditsPosted);
    }

    /** The pending balance (posted plus all pending movements) seen from the normal side. */
    public long pending(Side normalSide) {
        return normalSide == Side.CREDIT
                ? Math.subtractExact(Math.addExact(creditsPosted, creditsPending), Math.addExact(debitsPosted, debitsPending))
                : Math.subtractExact(Math.addExact(debitsPosted, debitsPending), Math.addExact(creditsPosted, creditsPending));
    }

    /** The posted balance minus pending outflows: what the account can still spend. */
    public long available(Side normalSide) {
        return normalSide == Side.CREDIT
                ? Math.subtractExact(posted(normalSide), debitsPending)
                : Math.subtractExact(posted(normalSide), creditsPending);
    }

    public boolean isZero() {
        return debitsPosted == creditsPosted && debitsPending == 0 && creditsPending == 0;
    }
}
