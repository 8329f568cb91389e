/** Calls `fn` at most once per `ms`, trailing: a burst of calls ends in exactly one more call. */
export function throttle(fn: () => void, ms: number): (() => void) & { cancel(): void } {
  let timer: NodeJS.Timeout | undefined;
  let last = 0;
  const call = () => {
    const wait = last + ms - Date.now();
    if (wait <= 0) {
      last = Date.now();
      fn();
    } else if (!timer) {
      timer = setTimeout(() => {
        timer = undefined;
        last = Date.now();
        fn();
      }, wait);
      timer.unref?.();
    }
  };
  return Object.assign(call, { cancel: () => timer && clearTimeout(timer) });
}
