// Module and chunk ids from relative paths, so the bundle is the same wherever the
// repository is cloned (the default ids hash something that depends on the folder),
// and CI can rebuild and compare it with the committed one.
module.exports = {
  optimization: {
    moduleIds: 'named',
    chunkIds: 'named'
  }
};
