// Spanfall instrumentation lab (/lab): throws an uncaught error from a
// same-origin script. A function the browser calls directly (a native
// function as a timer callback) or a cross-origin script yields a muted
// "Script error." without the Error object; this one keeps its type and
// stack.
window.spanfallLab = {
  throwError() {
    setTimeout(function labThrow() {
      throw new TypeError('lab: thrown');
    }, 0);
  },
};
