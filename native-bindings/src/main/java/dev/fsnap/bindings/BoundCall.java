package dev.fsnap.bindings;

import com.kenai.jffi.CallContext;
import com.kenai.jffi.Function;
import com.kenai.jffi.Library;
import com.kenai.jffi.Type;

/** A C function bound once through jffi: its address and the call context an {@code Invoker} needs. */
final class BoundCall {
    final CallContext context;
    final long address;

    private BoundCall(Function function) {
        this.context = function.getCallContext();
        this.address = function.getFunctionAddress();
    }

    /**
     * Binds a symbol of a library.
     *
     * @throws UnsatisfiedLinkError naming the symbol when the library does not have it
     */
    static BoundCall bind(Library library, String symbol, Type result, Type... parameters) {
        long address = library.getSymbolAddress(symbol);
        if (address == 0L) {
            throw new UnsatisfiedLinkError("no " + symbol + ": " + Library.getLastError());
        }
        return new BoundCall(new Function(address, result, parameters));
    }
}
