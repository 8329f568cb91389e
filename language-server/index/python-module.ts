/**
 * The dotted module path of a Python file, as `code.namespace` and tracebacks name it. The package
 * root is the parent of the topmost directory in an unbroken chain of `__init__.py` directories
 * above the file (`shop/orders/views.py` with `shop/__init__.py` and `shop/orders/__init__.py` →
 * `shop.orders.views`); without an `__init__.py` the file's own directory is the root (`views`).
 */
/** `hasFile` answers for workspace-relative paths with forward slashes. */
export function pythonModulePath(file: string, hasFile: (file: string) => boolean): string {
  const parts = file.split('/');
  const base = (parts.pop() ?? '').replace(/\.py$/, '');
  let rootDepth = parts.length;
  while (rootDepth > 0 && hasFile([...parts.slice(0, rootDepth), '__init__.py'].join('/'))) rootDepth--;
  const packages = parts.slice(rootDepth);
  if (base === '__init__') return packages.join('.');
  return [...packages, base].join('.');
}
