package io.remediator.kubevirt;

/**
 * A VirtualMachine as read fresh for a change of its template: the parts the cache keeps, the
 * template's eviction strategy, and the resourceVersion a conditional write is bound to.
 *
 * @param evictionStrategy `spec.template.spec.evictionStrategy`, null when unset (the cluster default
 *                         is copied into each new VMI: defaults.go:193-212)
 */
public record VmTemplate(VirtualMachine vm, String evictionStrategy, String resourceVersion) {}
