/** Read models built from the event topics in their own database: see {@code docs/events.md}. */
package dev.creditledger.projections;
